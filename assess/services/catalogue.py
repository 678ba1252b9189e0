"""Read side: the assessments an applicant can take, grouped by domain."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import items as item_types
from ..core.selection import pool
from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt
from .banks import imported_candidates


@dataclass(frozen=True)
class CatalogueEntry:
    slug: str
    title: str
    domain: str
    mode: str
    description_html: str
    time_limit_minutes: int | None
    item_count: int
    item_types: list[str]  # human labels
    attempts_allowed: int
    attempts_used: int
    cooldown_hours: float
    next_attempt_at: datetime | None  # when a cooldown is running
    tiers: list[str]

    @property
    def attempts_left(self) -> int | None:
        if not self.attempts_allowed:
            return None
        return max(0, self.attempts_allowed - self.attempts_used)


def catalogue(user_id: int | None, now: datetime) -> dict[str, list[CatalogueEntry]]:
    assessments = db.session.scalars(
        select(Assessment).where(Assessment.retired.is_(False)).order_by(Assessment.slug)
        .options(selectinload(Assessment.versions).selectinload(AssessmentVersion.sections),
                 selectinload(Assessment.versions).selectinload(AssessmentVersion.tiers))).all()
    used: dict[int, tuple[int, datetime | None]] = {}
    if user_id is not None:
        rows = db.session.execute(
            select(Attempt.assessment_id, func.count(), func.max(Attempt.started_at))
            .where(Attempt.user_id == user_id, Attempt.status != "void")
            .group_by(Attempt.assessment_id)).all()
        used = {row[0]: (row[1], row[2]) for row in rows}
    candidates = imported_candidates()
    grouped: dict[str, list[CatalogueEntry]] = defaultdict(list)
    for assessment in assessments:
        version = assessment.latest
        types: set[str] = set()
        for section in version.sections:
            types.update(c.type for c in pool(section.selector, candidates))
        count, last_start = used.get(assessment.id, (0, None))
        next_at = None
        if last_start and version.cooldown_hours:
            ready = last_start + timedelta(hours=version.cooldown_hours)
            next_at = ready if ready > now else None
        grouped[version.domain].append(CatalogueEntry(
            slug=assessment.slug, title=version.title, domain=version.domain, mode=version.mode,
            description_html=version.description_html,
            time_limit_minutes=version.time_limit_minutes, item_count=version.item_count,
            item_types=[item_types.get(t).label for t in sorted(types)],
            attempts_allowed=version.attempts_allowed, attempts_used=count,
            cooldown_hours=version.cooldown_hours, next_attempt_at=next_at,
            tiers=[tier.name for tier in version.tiers]))
    return dict(sorted(grouped.items()))
