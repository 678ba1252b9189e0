"""Read side: the assessments an applicant can take, grouped by domain."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import items as item_types
from ..core.eligibility import PastAttempt, standing
from ..core.selection import types_in
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
    has_open: bool
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
    past: dict[int, list[PastAttempt]] = defaultdict(list)
    if user_id is not None:
        rows = db.session.execute(
            select(Attempt.assessment_id, Attempt.status, Attempt.started_at,
                   Attempt.submitted_at).where(Attempt.user_id == user_id)).all()
        for assessment_id, *fields in rows:
            past[assessment_id].append(PastAttempt(*fields))
    candidates = imported_candidates()
    grouped: dict[str, list[CatalogueEntry]] = defaultdict(list)
    for assessment in assessments:
        version = assessment.latest
        types = types_in((s.selector for s in version.sections), candidates)
        state = standing(past.get(assessment.id, []), allowed=version.attempts_allowed,
                         cooldown_hours=version.cooldown_hours, now=now)
        grouped[version.domain].append(CatalogueEntry(
            slug=assessment.slug, title=version.title, domain=version.domain, mode=version.mode,
            description_html=version.description_html,
            time_limit_minutes=version.time_limit_minutes, item_count=version.item_count,
            item_types=[item_types.get(t).label for t in types],
            attempts_allowed=version.attempts_allowed, attempts_used=state.used,
            cooldown_hours=version.cooldown_hours, next_attempt_at=state.next_at,
            has_open=state.has_open,
            tiers=[tier.name for tier in version.tiers]))
    return dict(sorted(grouped.items()))
