"""State changes of an attempt: start, submit, visit, the clock's poll and the sweep; saving
an answer (with flagging and practice checks) is ``answers.save_answer``, also reachable here.

Each public function is one use case and commits once. The clock is the caller's ``now``;
finalisation at the deadline (``closing``) happens on the next request or in the sweep,
never because a browser asked for it.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import items as item_types
from ..core import timing
from ..core.eligibility import PastAttempt, Standing, standing
from ..core.selection import NotEnoughItems, SectionSpec, draw
from ..extensions import db
from ..models import Assessment, AssessmentVersion, Attempt, Bank, Item, ItemVersion, Response, User
from ..models.attempt import OPEN
from . import ServiceError, certificates, scoring
from .answers import SaveResult, save_answer  # noqa: F401  (the views save through here)
from .banks import imported_candidates
from .catalogue import prerequisite_refusal
from .closing import AttemptNotFound, finalise, finalise_expired, is_expired, owned_attempt
from .locks import BatchRun, each_locked, lock_attempt, lock_user

# ---- reading helpers shared by the use cases --------------------------------------------

def past_attempts(user_id: int, assessment_id: int) -> list[PastAttempt]:
    rows = db.session.execute(
        select(Attempt.status, Attempt.started_at, Attempt.submitted_at)
        .where(Attempt.user_id == user_id, Attempt.assessment_id == assessment_id)).all()
    return [PastAttempt(*row) for row in rows]


def standing_for(user_id: int, assessment: Assessment, now: datetime) -> Standing:
    version = assessment.latest
    return standing(past_attempts(user_id, assessment.id), allowed=version.attempts_allowed,
                    cooldown_hours=version.cooldown_hours, now=now)


def refusal_message(state: Standing, title: str) -> str:
    if state.reason == "exhausted":
        return f"You have used all {state.allowed} attempts at {title}."
    if state.reason == "cooldown":
        when = state.next_at.strftime("%d %b %Y, %H:%M UTC")
        return f"You can take {title} again from {when}."
    return ""


def response_at(attempt: Attempt, position: int) -> Response:
    """The attempt's response at ``position``; 404 when the attempt has no such item."""
    for response in attempt.responses:
        if response.position == position:
            return response
    raise ServiceError(f"Item {position} is not part of this attempt.",
                       code="item_not_in_attempt", field="position")


# ---- starting --------------------------------------------------------------------------------

def _open_attempt(user_id: int, assessment_id: int) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.user_id == user_id, Attempt.assessment_id == assessment_id,
                              Attempt.status == OPEN)
        .execution_options(populate_existing=True))


def start_attempt(user_id: int, slug: str, now: datetime, *, seed: int | None = None) -> Attempt:
    """Resume the applicant's open attempt, or start a new one if the rules allow it.

    An open attempt whose time ran out is finalised in the same transaction as the new one
    starts; when the new one may not start, nothing is written (the next visit or the sweep
    closes the old one)."""
    assessment = db.session.scalar(
        select(Assessment).where(Assessment.slug == slug, Assessment.retired.is_(False)))
    if assessment is None:
        raise ServiceError("No such assessment.", code="not_found")
    open_attempt = _open_attempt(user_id, assessment.id)
    if open_attempt is not None and not is_expired(open_attempt, now):
        return open_attempt
    lock_user(user_id)  # a double click waits here, then resumes what the first one started
    open_attempt = _open_attempt(user_id, assessment.id)
    if open_attempt is not None and not is_expired(open_attempt, now):
        return open_attempt
    user = db.session.get(User, user_id)
    version = assessment.latest
    missing = prerequisite_refusal(user_id, version, now)
    if missing:
        raise ServiceError(missing, code="prerequisite_missing")
    past = [p if p.status != OPEN else PastAttempt("submitted", p.started_at,
                                                   min(now, open_attempt.deadline_at))
            for p in past_attempts(user_id, assessment.id)]
    state = standing(past, allowed=version.attempts_allowed,
                     cooldown_hours=version.cooldown_hours, now=now)
    if not state.can_start:
        raise ServiceError(refusal_message(state, version.title), code=state.reason)
    if open_attempt is not None:
        finalise_expired(open_attempt.id, now, by="deadline")
        db.session.flush()
    seed = secrets.randbelow(2**31) if seed is None else seed
    drawn_items = _draw(version, seed)  # queries first: nothing pending may autoflush early
    attempt = Attempt(
        user_id=user_id, assessment_id=assessment.id, assessment_version_id=version.id,
        number=_next_number(user_id, assessment.id), status=OPEN, seed=seed, started_at=now,
        deadline_at=(timing.deadline(now, version.time_limit_minutes,
                                     extra_minutes=user.accommodation_extra_minutes,
                                     multiplier=user.accommodation_multiplier)
                     if version.mode == "timed" else None))
    db.session.add(attempt)
    for position, (drawn, item_version) in enumerate(drawn_items, start=1):
        item_type = item_types.get(drawn.candidate.type)
        rng = random.Random(f"{seed}/{position}")
        db.session.add(Response(
            attempt=attempt, item_version_id=item_version.id, position=position,
            section_slug=drawn.section, presentation=item_type.presentation(
                item_version.content, rng), revision=0))
    try:
        db.session.commit()
    except IntegrityError:  # a double click raced us to the one open attempt
        db.session.rollback()
        existing = _open_attempt(user_id, assessment.id)
        if existing is None:
            raise
        return existing
    if open_attempt is not None:
        certificates.issue_soon(open_attempt.id, now)
    return attempt


def _next_number(user_id: int, assessment_id: int) -> int:
    last = db.session.scalar(select(func.max(Attempt.number)).where(
        Attempt.user_id == user_id, Attempt.assessment_id == assessment_id))
    return (last or 0) + 1


def _draw(version, seed: int):
    candidates = imported_candidates()
    sections = [SectionSpec(s.slug, s.draw, s.selector) for s in version.sections]
    try:
        drawn = draw(sections, candidates, seed, shuffle_items=version.shuffle_items)
    except NotEnoughItems as exc:
        raise ServiceError(f"This assessment cannot be started: {exc}",
                           code="bank_too_small") from exc
    newest = (select(ItemVersion.item_id, func.max(ItemVersion.version).label("version"))
              .group_by(ItemVersion.item_id).subquery())
    rows = db.session.execute(
        select(Bank.slug, Item.slug, ItemVersion)
        .join(Bank, Bank.id == Item.bank_id)
        .join(newest, newest.c.item_id == Item.id)
        .join(ItemVersion, (ItemVersion.item_id == Item.id)
              & (ItemVersion.version == newest.c.version))
        .where(Item.slug.in_([d.candidate.slug for d in drawn]))).all()
    by_key = {(bank, slug): item_version for bank, slug, item_version in rows}
    return [(d, by_key[d.candidate.key]) for d in drawn]


# ---- finishing -----------------------------------------------------------------------------

def submit(attempt_id: int, user_id: int, now: datetime) -> Attempt:
    """Submit for grading. Idempotent: submitting a finished attempt changes nothing."""
    attempt = lock_attempt(attempt_id)
    if attempt is None or attempt.user_id != user_id:
        raise AttemptNotFound()
    if attempt.status == OPEN:
        finalise(attempt, now, by="deadline" if is_expired(attempt, now) else "applicant")
    db.session.commit()
    certificates.issue_soon(attempt_id, now)
    return attempt


def visit(attempt_id: int, user_id: int, now: datetime, position: int | None = None) -> Attempt:
    """Any page of an attempt: finalise it if its time ran out, note when an item was first
    seen. The one write a read page makes, so it is a use case of its own."""
    attempt = owned_attempt(attempt_id, user_id)
    if is_expired(attempt, now):
        attempt = finalise_expired(attempt_id, now, by="deadline")
        db.session.commit()
        certificates.issue_soon(attempt_id, now)
        return attempt
    if position is not None:
        response = response_at(attempt, position)
        if attempt.status == OPEN and response.first_seen_at is None:
            db.session.execute(
                update(Response).where(Response.id == response.id,
                                       Response.first_seen_at.is_(None))
                .values(first_seen_at=now).execution_options(synchronize_session=False))
            db.session.commit()
    return attempt


@dataclass(frozen=True)
class ClockState:
    status: str
    seconds_left: int | None  # None when untimed
    deadline_at: datetime | None


def clock_state(attempt_id: int, user_id: int, now: datetime) -> ClockState:
    """What the exam page's 30-second poll needs: one small row, unless time has run out."""
    row = db.session.execute(
        select(Attempt.user_id, Attempt.status, Attempt.deadline_at,
               AssessmentVersion.grace_seconds)
        .join(AssessmentVersion, AssessmentVersion.id == Attempt.assessment_version_id)
        .where(Attempt.id == attempt_id)).first()
    if row is None or row.user_id != user_id:
        raise AttemptNotFound()
    status = row.status
    if status == OPEN and not timing.accepts_answers(row.deadline_at, row.grace_seconds, now):
        status = finalise_expired(attempt_id, now, by="deadline").status
        db.session.commit()
        certificates.issue_soon(attempt_id, now)
    left = timing.seconds_left(row.deadline_at, now) if status == OPEN else 0
    return ClockState(status, left, row.deadline_at)


@dataclass
class SweepReport:
    finalised: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # (attempt id, error)
    rescored: list[int] = field(default_factory=list)
    certificates: certificates.IssueRun | None = None


def sweep(now: datetime) -> SweepReport:
    """The periodic repair, all at once (`flask --app assess sweep`; the job runner runs each
    part every minute, assess/jobs/tasks.py): finalise the attempts out of time; score
    attempts whose grading is complete but were never scored; issue the certificates due."""
    report = SweepReport()
    finalised = finalise_all_expired(now)
    report.finalised, report.failed = finalised.done, finalised.failed
    repaired = scoring.repair(now)
    report.rescored, report.failed = repaired.done, report.failed + repaired.failed
    report.certificates = certificates.issue_all_due(now)
    return report


def finalise_all_expired(now: datetime) -> BatchRun:
    """Finalise every open attempt whose time and grace have run out, one by one so that one
    failure does not undo the others."""
    due = db.session.scalars(
        select(Attempt.id).where(Attempt.status == OPEN, Attempt.deadline_at.is_not(None),
                                 Attempt.deadline_at < now)
        .order_by(Attempt.deadline_at)).all()
    db.session.rollback()

    def close_if_expired(attempt: Attempt) -> bool:
        if not is_expired(attempt, now):
            return False
        finalise(attempt, now, by="sweep")
        return True
    return each_locked(due, close_if_expired, "finalise")
