"""An assessment at a glance, for admins: how its scores are distributed against the tier
cut lines, how many attempts reached each tier, how many got from starting to a certificate,
and each item's facility against its discrimination (from ``services.analysis``).

The counts come from one grouped query over the assessment's attempts (a subquery labels
each attempt with its status, whether it was submitted, its score bin, its tier and whether
it holds a current certificate; the outer query counts each combination), whatever the
number of attempts. Bins are computed with comparisons, not arithmetic, so that a score
exactly on a tier's minimum lands in the bin that starts there, as ``core.scoring.reaches``
decides it."""
from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, exists, func, select

from ..core.scoring import PLACES
from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt, Certificate, TierRule
from . import ServiceError
from .analysis import csv_cells

log = logging.getLogger(__name__)

CHART_LIBRARY = "vendor/chart.umd.js"  # under static/, from `make vendor`
BINS = 20  # 5 percentage points each: every shipped tier minimum falls on an edge
TABLES = ("distribution", "tiers", "funnel", "items")
NO_TIER = ""


@dataclass(frozen=True)
class Bin:
    low: float  # share, inclusive
    high: float  # share, exclusive (inclusive for the last bin)
    count: int

    @property
    def label(self) -> str:
        closing = "]" if self.high >= 1 else ")"
        return f"[{self.low * 100:g}%, {self.high * 100:g}%{closing}"


@dataclass(frozen=True)
class TierCount:
    slug: str  # NO_TIER for scored attempts below every tier
    name: str
    rank: int | None
    min_overall: float | None
    count: int
    share: float | None  # of scored attempts


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    count: int
    share: float | None  # of started attempts


@dataclass(frozen=True)
class ItemPoint:
    label: str
    type: str
    n: int
    facility: float | None
    discrimination: float | None
    flags: tuple[str, ...]


@dataclass
class Overview:
    slug: str
    title: str
    mode: str
    bins: list[Bin]
    cut_lines: list[TierCount]  # the latest version's tiers, lowest first
    tiers: list[TierCount]  # "no tier", then the tiers lowest first
    funnel: list[Stage]
    scored: int
    items: list[ItemPoint] = field(default_factory=list)
    items_problem: str | None = None  # why there is no item analysis
    items_attempts: int = 0  # attempts the item analysis is taken over

    def chart_data(self) -> dict[str, Any]:
        """What ``static/js/charts.js`` draws: the same numbers as the tables."""
        return {
            "distribution": {
                "bins": [{"low": round(b.low * 100, 4), "high": round(b.high * 100, 4),
                          "label": b.label, "count": b.count} for b in self.bins],
                "cuts": [{"name": t.name, "at": round(t.min_overall * 100, 4)}
                         for t in self.cut_lines if t.min_overall is not None],
            },
            "tiers": [{"name": t.name, "count": t.count} for t in self.tiers],
            "funnel": [{"label": s.label, "count": s.count} for s in self.funnel],
            "items": [{"label": i.label, "facility": _percent(i.facility),
                       "discrimination": _percent(i.discrimination), "flagged": bool(i.flags)}
                      for i in self.items
                      if i.facility is not None and i.discrimination is not None],
        }


def charts_available(static_folder: str | None) -> bool:
    """Whether Chart.js was installed into static/vendor/ (``make vendor``)."""
    return bool(static_folder) and (Path(static_folder) / CHART_LIBRARY).is_file()


def _percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 2)


def _edges(bins: int) -> list[float]:
    # i / bins is the nearest double to the decimal edge (0.85 for 17/20), the same value a
    # tier minimum of 0.85 parses to, rounded as scores are.
    return [round(i / bins, PLACES) for i in range(bins + 1)]


def overview(slug: str, *, with_items: bool = True) -> Overview:
    assessment = db.session.scalar(select(Assessment).where(Assessment.slug == slug))
    if assessment is None:
        raise ServiceError("No such assessment.", code="not_found")
    latest = db.session.scalar(
        select(AssessmentVersion).where(AssessmentVersion.assessment_id == assessment.id)
        .order_by(AssessmentVersion.version.desc()).limit(1))
    edges = _edges(BINS)
    counts = _tally(_attempt_counts(assessment.id, edges))
    cut_lines, tiers = _tier_counts(_tier_rules(assessment.id), counts,
                                    latest.version if latest else None)
    funnel = [Stage("started", "Started", counts.started, _share(counts.started, counts.started)),
              Stage("submitted", "Submitted", counts.submitted,
                    _share(counts.submitted, counts.started)),
              Stage("scored", "Scored", counts.scored, _share(counts.scored, counts.started)),
              Stage("certified", "Certified", counts.certified,
                    _share(counts.certified, counts.started))]
    result = Overview(slug, latest.title if latest else slug, latest.mode if latest else "",
                      [Bin(edges[i], edges[i + 1], counts.bins[i]) for i in range(BINS)],
                      cut_lines, tiers, funnel, counts.scored)
    if with_items:
        _add_items(result)
    return result


def _attempt_counts(assessment_id: int, edges: list[float]) -> list[Any]:
    """(status, submitted, bin, tier, certified, count) for each combination that occurs."""
    scored = Attempt.status == "scored"
    # The bin of a scored attempt's score: the highest edge it reaches (a score of exactly 1
    # goes into the last bin).
    bin_of = case(*[(and_(scored, Attempt.score >= edges[i]), i)
                    for i in range(BINS - 1, 0, -1)],
                  (and_(scored, Attempt.score.is_not(None)), 0), else_=None)
    certified = exists().where(Certificate.attempt_id == Attempt.id,
                               Certificate.revoked_at.is_(None),
                               Certificate.superseded_by_id.is_(None))
    labelled = select(
        Attempt.status.label("status"),
        case((Attempt.submitted_at.is_not(None), 1), else_=0).label("submitted"),
        bin_of.label("bin"),
        case((scored, Attempt.tier_slug), else_=None).label("tier"),
        case((certified, 1), else_=0).label("certified"),
    ).where(Attempt.assessment_id == assessment_id).subquery()
    return db.session.execute(
        select(labelled.c.status, labelled.c.submitted, labelled.c.bin, labelled.c.tier,
               labelled.c.certified, func.count())
        .group_by(labelled.c.status, labelled.c.submitted, labelled.c.bin, labelled.c.tier,
                  labelled.c.certified)).all()


@dataclass
class _Tally:
    bins: list[int]  # scored attempts per score bin
    tiers: dict[str, int] = field(default_factory=dict)  # scored attempts per tier (or NO_TIER)
    started: int = 0
    submitted: int = 0
    scored: int = 0
    certified: int = 0


def _tally(rows: list[Any]) -> _Tally:
    counts = _Tally([0] * BINS)
    for status, was_submitted, bin_index, tier, has_certificate, count in rows:
        counts.started += count
        counts.submitted += count if was_submitted else 0
        counts.certified += count if has_certificate else 0
        if status == "scored":
            counts.scored += count
            if bin_index is not None:
                counts.bins[int(bin_index)] += count
            counts.tiers[tier or NO_TIER] = counts.tiers.get(tier or NO_TIER, 0) + count
    return counts


def _tier_rules(assessment_id: int) -> dict[str, tuple[str, int, float, int]]:
    """Tier names and minimums: the latest version's, then any older version's a past attempt
    was scored at. slug: (name, rank, minimum, version)."""
    rules: dict[str, tuple[str, int, float, int]] = {}
    for tier_slug, name, rank, minimum, version in db.session.execute(
            select(TierRule.slug, TierRule.name, TierRule.rank, TierRule.min_overall,
                   AssessmentVersion.version)
            .join(AssessmentVersion, AssessmentVersion.id == TierRule.assessment_version_id)
            .where(AssessmentVersion.assessment_id == assessment_id)
            .order_by(AssessmentVersion.version)):
        rules[tier_slug] = (name, rank, minimum, version)  # newest version wins
    return rules


def _tier_counts(rules: dict[str, tuple[str, int, float, int]], counts: _Tally,
                 latest_version: int | None) -> tuple[list[TierCount], list[TierCount]]:
    """(cut lines, tiers): the current ladder's tiers, and the count of every tier."""
    def tier_count(slug: str, name: str, rank: int | None, minimum: float | None) -> TierCount:
        count = counts.tiers.get(slug, 0)
        return TierCount(slug, name, rank, minimum, count, _share(count, counts.scored))

    cut_lines = sorted((tier_count(s, name, rank, minimum)
                        for s, (name, rank, minimum, version) in rules.items()
                        if version == latest_version), key=lambda t: (t.rank, t.slug))
    # Every tier of the current ladder, reached or not, and any older version's tier a past
    # attempt was scored at; lowest first, after the attempts that reached none.
    slugs = {t.slug for t in cut_lines} | (set(counts.tiers) - {NO_TIER})
    tiers = [tier_count(NO_TIER, "No tier", None, None)]
    tiers += sorted((tier_count(s, *(rules[s][:3] if s in rules else (s, None, None)))
                     for s in slugs), key=lambda t: (t.rank or 0, t.slug))
    return cut_lines, tiers


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _add_items(result: Overview) -> None:
    """Facility and discrimination per item version, from the item analysis (first attempts
    only, as it advises). The rest of the overview stands without it."""
    try:
        from . import analysis
        report = analysis.item_statistics(result.slug, first_attempts_only=True)
    except ServiceError as exc:
        result.items_problem = exc.message
        return
    except Exception as exc:  # noqa: BLE001 - one panel failing must not take the page down
        log.exception("item statistics for %s failed", result.slug)
        result.items_problem = f"the item analysis failed ({type(exc).__name__})"
        return
    result.items_attempts = getattr(report, "attempts", 0)
    result.items = [ItemPoint(item.label, item.type, item.n, item.facility,
                              item.discrimination, tuple(item.flags or ()))
                    for item in report.items]


# ---- CSV ---------------------------------------------------------------------------------------

def overview_csv(result: Overview, table: str) -> str:
    """One table of the overview as CSV: a header row, shares as fractions."""
    if table not in TABLES:
        raise ServiceError(f"Unknown table {table!r}; expected one of {', '.join(TABLES)}.",
                           code="not_found", field="table")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "distribution":
        writer.writerow(("from", "to", "label", "count"))
        writer.writerows(csv_cells((b.low, b.high, b.label, b.count)) for b in result.bins)
    elif table == "tiers":
        writer.writerow(("tier", "name", "rank", "min_overall", "count", "share_of_scored"))
        writer.writerows(csv_cells((t.slug, t.name, t.rank, t.min_overall, t.count, t.share))
                         for t in result.tiers)
    elif table == "funnel":
        writer.writerow(("stage", "label", "count", "share_of_started"))
        writer.writerows(csv_cells((s.key, s.label, s.count, s.share)) for s in result.funnel)
    else:
        writer.writerow(("item", "type", "n", "facility", "discrimination", "flags"))
        writer.writerows(csv_cells((i.label, i.type, i.n, i.facility, i.discrimination, i.flags))
                         for i in result.items)
    return out.getvalue()
