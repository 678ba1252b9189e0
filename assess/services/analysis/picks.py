"""The distractor tables of a report: what was picked against the key, read from the answers
themselves when first asked for, and the confusion matrices the item types fold them into."""
from __future__ import annotations

import threading
from collections import defaultdict

from sqlalchemy import case, null, select

from ...core import item_analysis as ia
from ...extensions import db
from ...items import registry as item_types
from .reading import Decoder, R, as_text, in_scope, keyed
from .report import AnalysisReport, DistractorRow, Distractors, Source

_lock = threading.Lock()


def distractor_analysis(report: AnalysisReport) -> Distractors:
    """The distractor tables and confusion matrices of a report's attempts, read when first
    asked for and kept with the report (so for as long as it is cached: the same stamp).
    These are the one part of the analysis that reads the answers themselves (their keyed
    parts only) and, for the types whose tables need it, the order they were shown in."""
    with _lock:
        found = report._distractors.get("tables")
    if found is not None:
        return found
    found = _read(report._source) if report._source is not None else Distractors([], [])
    with _lock:
        return report._distractors.setdefault("tables", found)


def _read(source: Source) -> Distractors:
    meta = source.meta
    kinds = {i: item_types.get(meta[i].type) for i in source.items}
    tabled = [i for i in source.items if kinds[i].has_distractors]
    shown = _shown(source, tabled, [i for i in tabled if kinds[i].distractors_read_presentation]
                   ) if tabled else {}
    rows: list[DistractorRow] = []
    matrices: dict[ia.ConfusionKey, list[ia.Pick]] = {}
    for i in tabled:
        m = meta[i]
        picks = ia.distractors(m.content, shown.get(i, []))
        rows += [DistractorRow(m.label, m.type, i, p.target, p.key, p.answer, p.count,
                               p.share, p.correct, p.mean_score) for p in picks]
        for p in picks:
            key = kinds[i].confusion_key(p)
            if key is not None:
                matrices.setdefault(key, []).append(p)
    confusions = [ia.confusion(key.name, found, key.labels)
                  for key, found in sorted(matrices.items(), key=lambda pair: pair[0].order)]
    return Distractors(rows, confusions)


def _shown(source: Source, tabled: list[int], presented: list[int]
           ) -> dict[int, list[ia.Shown]]:
    """The keyed answers to the item versions ``tabled``, in attempt and position order, with
    the presentation of those ``presented``."""
    decode, shares = Decoder(), source.shares
    shown: dict[int, list[ia.Shown]] = defaultdict(list)
    rows = db.session.connection().execute(
        select(R.attempt_id, R.item_version_id, as_text(keyed(R.answer)),
               as_text(case((R.item_version_id.in_(presented), R.presentation),
                            else_=null())))
        .where(in_scope(source.scope), R.item_version_id.in_(tabled))
        .order_by(R.attempt_id, R.position))
    for attempt_id, iv, answer, presentation in rows:
        shown[iv].append(ia.Shown(decode(answer), decode(presentation), shares[attempt_id]))
    return shown
