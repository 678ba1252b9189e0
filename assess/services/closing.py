"""Finding the applicant's own attempt and closing it: what the attempt use cases
(``attempts``) and answer saving (``answers``) share.

An attempt closes when the applicant submits it or, once its time and grace have run out,
when the first request or the sweep notices, under the attempt's lock. It closes with its
last saved answers, auto-graded, and its written parts queued for graders.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .. import items as item_types
from ..core import timing
from ..extensions import db
from ..models import Attempt, Response
from ..models.attempt import OPEN
from . import ServiceError, grading, outbox, scoring
from .locks import WITH_RESPONSES, lock_attempt


class AttemptNotFound(ServiceError):
    def __init__(self, message: str = "No such attempt of yours.", code: str = "not_found"):
        super().__init__(message, code=code)


def owned_attempt(attempt_id: int, user_id: int) -> Attempt:
    """The applicant's attempt with its responses, read without a lock (for pages)."""
    attempt = db.session.scalar(
        select(Attempt).where(Attempt.id == attempt_id).options(WITH_RESPONSES))
    if attempt is None or attempt.user_id != user_id:
        raise AttemptNotFound()
    return attempt


def is_expired(attempt: Attempt, now: datetime) -> bool:
    grace = attempt.assessment_version.grace_seconds
    return attempt.status == OPEN and not timing.accepts_answers(attempt.deadline_at, grace, now)


def closed_refusal(finalised_by: str | None) -> tuple[str, str]:
    """(code, message) for a change refused because the attempt has closed."""
    if finalised_by in ("deadline", "sweep"):
        return "time_up", ("Time is up: the attempt was submitted with your last saved answers; "
                           "answers can no longer change.")
    return "attempt_closed", "This attempt has been submitted; answers can no longer change."


def finalise_expired(attempt_id: int, now: datetime, *, by: str) -> Attempt:
    """Under the attempt's lock, close it if it is still open and out of time (without
    committing). Whoever comes second finds it closed and changes nothing."""
    attempt = lock_attempt(attempt_id)
    if is_expired(attempt, now):
        finalise(attempt, now, by=by)
    return attempt


def finalise(attempt: Attempt, now: datetime, *, by: str) -> None:
    """Close the locked attempt with its last saved answers and auto-grade them. Only an
    open attempt is finalised, so calling it twice changes nothing."""
    if attempt.status != OPEN:
        return
    total = maximum = 0.0
    for response in attempt.responses:
        result = auto_grade(response)
        total += result.points
        maximum += result.max_points
    attempt.status = "submitted"
    # An attempt that ran out of time ended at its deadline, whenever we noticed.
    timed_out = by != "applicant" and attempt.deadline_at is not None
    attempt.submitted_at = min(now, attempt.deadline_at) if timed_out else now
    attempt.finalised_by = by
    attempt.auto_points = round(total, 6)
    attempt.auto_max_points = round(maximum, 6)
    outbox.record("attempt.submitted", attempt, outbox.attempt_data(attempt), now)
    grading.create_tasks(attempt, now)
    scoring.score_attempt(attempt, now)  # at once when nothing waits for a grader


def auto_grade(response: Response):
    content = response.item_version.content
    result = item_types.get(content["type"]).grade(content, response.answer)
    response.auto_points = result.points
    response.max_points = result.max_points
    response.grade_detail = result.detail
    return result
