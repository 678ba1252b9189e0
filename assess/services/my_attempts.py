"""An applicant's attempts, newest first, each with what comes next: resume, wait for
grading, read the results, or when a retake is allowed (the catalogue's own rules)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.eligibility import PastAttempt, Standing, standing
from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt
from ..models.attempt import OPEN
from .credential_pages import tier_names


@dataclass(frozen=True)
class MyAttempt:
    id: int
    slug: str
    title: str
    number: int
    status: str  # in_progress | submitted | awaiting_grading | scored | void
    started_at: datetime
    submitted_at: datetime | None
    deadline_at: datetime | None
    score: float | None
    tier_name: str | None
    next_step: str  # resume | grading | results | void
    retake: Standing  # the assessment's standing: attempts left, cooldown, open attempt


def my_attempts(user_id: int, now: datetime) -> list[MyAttempt]:
    rows = db.session.scalars(select(Attempt).where(Attempt.user_id == user_id)
                              .order_by(Attempt.started_at.desc(), Attempt.id.desc())).all()
    ids = {attempt.assessment_id for attempt in rows}
    assessments = {a.id: a for a in db.session.scalars(
        select(Assessment).where(Assessment.id.in_(ids))
        .options(selectinload(Assessment.versions)))} if ids else {}
    versions = {v.id: v for a in assessments.values() for v in a.versions}
    names = tier_names(ids) if ids else {}
    standings = {assessment_id: _standing(assessments[assessment_id], rows, now)
                 for assessment_id in ids}
    return [_entry(attempt, assessments[attempt.assessment_id],
                   versions[attempt.assessment_version_id],
                   names.get(attempt.assessment_id, {}), standings[attempt.assessment_id])
            for attempt in rows]


def _standing(assessment: Assessment, rows: list[Attempt], now: datetime) -> Standing:
    latest = assessment.latest
    past = [PastAttempt(a.status, a.started_at, a.submitted_at)
            for a in rows if a.assessment_id == assessment.id]
    return standing(past, allowed=latest.attempts_allowed,
                    cooldown_hours=latest.cooldown_hours, now=now)


def _entry(attempt: Attempt, assessment: Assessment, version: AssessmentVersion,
           names: dict[str, str], retake: Standing) -> MyAttempt:
    return MyAttempt(
        id=attempt.id, slug=assessment.slug, title=version.title, number=attempt.number,
        status=attempt.status, started_at=attempt.started_at,
        submitted_at=attempt.submitted_at, deadline_at=attempt.deadline_at,
        score=attempt.score if attempt.status == "scored" else None,
        tier_name=names.get(attempt.tier_slug, attempt.tier_slug) if attempt.tier_slug
        else None,
        next_step=_next_step(attempt.status), retake=retake)


def _next_step(status: str) -> str:
    if status == OPEN:
        return "resume"
    if status in ("submitted", "awaiting_grading"):
        return "grading"
    return "results" if status == "scored" else "void"
