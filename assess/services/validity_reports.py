"""The admin's random-guess odds, kept per assessment version (``ValidityReport``).

Computing them takes hundreds of milliseconds (a Monte Carlo run per tiered assessment), so
they are computed when banks are imported and read from the table afterwards. A row carries a
fingerprint of its inputs: the version, the imported item and rubric versions, the retired
items, seed and samples. Anything else that changes them (a retired item, more samples, a
version imported before this table existed) shows as a fingerprint mismatch or a missing row,
and the report is computed again on the next view, once.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.validity import TierOdds
from ..extensions import db
from ..models import Assessment, Item, ItemVersion, RubricVersion, ValidityReport
from ..settings import settings
from . import banks as bank_service
from .banks import GuessReport


def guessing_reports(now: datetime, *, seed: int = 0,
                     samples: int | None = None) -> list[GuessReport]:
    """For the admin page: each active assessment's odds, from the table (computed and
    stored first for a version that has none, or whose inputs changed)."""
    reports, changed = _reports(now, seed, samples or settings().guess_samples)
    if changed:
        db.session.commit()
    return reports


def refresh(now: datetime, *, seed: int = 0) -> int:
    """Compute what is missing or stale (after an import; the caller commits). Returns how
    many reports were computed."""
    return _reports(now, seed, settings().guess_samples)[1]


def _reports(now: datetime, seed: int, samples: int) -> tuple[list[GuessReport], int]:
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.retired.is_(False)).order_by(Assessment.slug)
        .options(selectinload(Assessment.versions))).all()
    versions = [(a.slug, a.latest) for a in assessments if a.versions]
    stored = {row.assessment_version_id: row for row in db.session.scalars(
        select(ValidityReport).where(ValidityReport.assessment_version_id.in_(
            [version.id for _, version in versions])))}
    shared = _bank_inputs(seed, samples)
    banks = None  # loaded only when something must be computed
    reports, computed = [], 0
    for slug, version in versions:
        inputs = _digest([version.id, shared])
        row = stored.get(version.id)
        if row is None or row.inputs != inputs:
            banks = banks if banks is not None else bank_service.imported_banks()
            report = bank_service.guess_report(slug, version, banks, seed=seed,
                                               samples=samples)
            _store(row, version.id, inputs, report, now)
            computed += 1
            reports.append(report)
        else:
            reports.append(GuessReport(slug, version.title, [_odds(o) for o in row.odds],
                                       row.problem))
    return reports, computed


def _bank_inputs(seed: int, samples: int) -> str:
    """What every version's odds depend on besides the version, in three small queries."""
    item_versions = db.session.execute(
        select(func.count(ItemVersion.id), func.max(ItemVersion.id))).one()
    rubric_versions = db.session.execute(
        select(func.count(RubricVersion.id), func.max(RubricVersion.id))).one()
    retired = db.session.scalars(select(Item.id).where(Item.retired.is_(True))
                                 .order_by(Item.id)).all()
    return _digest([seed, samples, list(item_versions), list(rubric_versions), list(retired)])


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def _store(row: ValidityReport | None, version_id: int, inputs: str, report: GuessReport,
           now: datetime) -> None:
    if row is None:
        row = ValidityReport(assessment_version_id=version_id)
        db.session.add(row)
    row.inputs, row.problem, row.computed_at = inputs, report.problem, now
    row.odds = [dataclasses.asdict(odds) for odds in report.odds]


def _odds(stored: dict) -> TierOdds:
    interval = stored.get("interval")
    return TierOdds(**{**stored, "interval": tuple(interval) if interval else None})
