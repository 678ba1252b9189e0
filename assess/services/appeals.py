"""Appeals: after a written part is graded, the applicant may appeal one task per attempt;
a lead who did not grade it upholds or changes the grade, and the change is logged."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select, update

from ..core.grading import LevelError, score_levels
from ..extensions import db
from ..models import Appeal, Attempt, Grade, GradingTask, Response
from . import ServiceError, certificates, notifications, outbox, scoring
from .attempts import owned_attempt
from .locks import lock_attempt

REASON_MIN, REASON_MAX = 20, 2000
NOTE_MAX = 2000  # the lead's note to the applicant
# Why a lead may not decide an appeal (see _conflicts), as the lead is told.
NOT_INDEPENDENT = {
    "graded": "You graded this answer, so another lead decides its appeal.",
    "own": "This appeal is about your own attempt, so another lead decides it.",
}


def file_appeal(attempt_id: int, user_id: int, task_id: int, reason: str,
                now: datetime) -> Appeal:
    attempt = owned_attempt(attempt_id, user_id)
    task = db.session.get(GradingTask, task_id)
    if task is None or task.response.attempt_id != attempt.id:
        raise ServiceError("That graded answer is not part of this attempt.",
                           code="not_found", field="task_id")
    if task.status != "final":
        raise ServiceError("You can appeal a written answer once it has been graded.",
                           code="not_graded", field="task_id")
    if db.session.scalar(select(Appeal.id).where(Appeal.attempt_id == attempt.id)):
        raise ServiceError("You have already appealed one answer of this attempt; each attempt "
                           "allows one appeal.", code="already_appealed")
    reason = (reason or "").strip()
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ServiceError(f"Explain your appeal in {REASON_MIN} to {REASON_MAX} characters.",
                           code="invalid", field="reason")
    appeal = Appeal(attempt_id=attempt.id, task_id=task.id, reason=reason, status="pending",
                    created_at=now)
    db.session.add(appeal)
    db.session.commit()
    return appeal


@dataclass(frozen=True)
class PendingAppeals:
    """The pending appeals as one lead sees them: those they may decide, and those another
    lead must decide with why (``"graded"``: they graded the answer; ``"own"``: they wrote it)."""
    decidable: list[Appeal]
    not_yours: list[tuple[Appeal, str]]


def pending(lead_id: int) -> list[Appeal]:
    """The pending appeals this lead may decide, oldest first."""
    return pending_for_lead(lead_id).decidable


def pending_for_lead(lead_id: int) -> PendingAppeals:
    waiting = list(db.session.scalars(select(Appeal).where(Appeal.status == "pending")
                                      .order_by(Appeal.created_at, Appeal.id)))
    conflicts = _conflicts(waiting, lead_id)
    return PendingAppeals(
        decidable=[a for a in waiting if a.id not in conflicts],
        not_yours=[(a, conflicts[a.id]) for a in waiting if a.id in conflicts])


def _conflicts(appeals: list[Appeal], lead_id: int) -> dict[int, str]:
    """Appeal id → why this lead may not decide it: ``"own"`` (their attempt) or ``"graded"``
    (they gave the task an independent or adjudicating grade). Two queries however many."""
    if not appeals:
        return {}
    graded = set(db.session.scalars(select(Grade.task_id).where(
        Grade.task_id.in_({a.task_id for a in appeals}), Grade.grader_id == lead_id,
        Grade.kind.in_(("independent", "adjudication")))))
    own = set(db.session.scalars(select(Attempt.id).where(
        Attempt.id.in_({a.attempt_id for a in appeals}), Attempt.user_id == lead_id)))
    return {a.id: "own" if a.attempt_id in own else "graded"
            for a in appeals if a.attempt_id in own or a.task_id in graded}


def appeal_for_lead(appeal_id: int, lead_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        raise ServiceError("No such appeal.", code="not_found")
    _check_independent(appeal, lead_id)
    return appeal


def _check_independent(appeal: Appeal, lead_id: int) -> None:
    why = _conflicts([appeal], lead_id).get(appeal.id)
    if why is not None:
        raise ServiceError(NOT_INDEPENDENT[why], code="not_independent")


def decide(appeal_id: int, lead_id: int, *, change: bool, levels: Mapping[str, Any],
           note: str, now: datetime) -> Appeal:
    """Uphold the grade, or replace it with the lead's own marks; either way once only."""
    appeal = appeal_for_lead(appeal_id, lead_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(f"Keep the note to {NOTE_MAX} characters; it has {len(note)}.",
                           code="invalid", field="note")
    if not note:
        raise ServiceError("Write a short note for the applicant explaining the decision.",
                           code="invalid", field="note")
    attempt = lock_attempt(appeal.attempt_id)  # rescoring reads every task and response
    task = db.session.get(GradingTask, appeal.task_id, populate_existing=True)
    new_points = None
    if change:
        try:
            scored = score_levels(task.rubric_version.definition, levels)
        except LevelError as exc:
            raise ServiceError(exc.message, code="invalid_level", field=exc.field) from exc
        new_points = round(sum(scored.values()), 6)
    claimed = db.session.execute(
        update(Appeal).where(Appeal.id == appeal.id, Appeal.status == "pending")
        .values(status="changed" if change else "upheld", decided_by_id=lead_id,
                decision_note=note, decided_at=now)
        .execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise ServiceError("This appeal has already been decided.", code="already_decided")
    old_points = task.final_points
    if change:
        db.session.add(Grade(task_id=task.id, grader_id=lead_id, kind="appeal", levels=scored,
                             points=new_points, comment=note, created_at=now))
        task.final_points, task.resolution = new_points, "appeal"
    outbox.record("appeal.decided", attempt, {
        "appeal_id": appeal.id, "attempt_id": attempt.id,
        "assessment": attempt.assessment.slug, "part": task.part,
        "decision": "changed" if change else "upheld", "decided_at": outbox.iso(now)}, now)
    scoring.score_attempt(
        attempt, now, reason="appeal", actor_id=lead_id,
        always_log=True,
        note=f"Appeal on {task.part}: {old_points:g} → {task.final_points:g} of "
             f"{task.max_points:g} points ({'changed' if change else 'upheld'}). {note}")
    notifications.appeal_decided(attempt, changed=change, note=note, now=now)
    db.session.commit()
    certificates.issue_soon(attempt.id, now)
    db.session.refresh(appeal)
    return appeal


def tasks_of_attempt(attempt_id: int) -> list[tuple[GradingTask, int]]:
    """The attempt's grading tasks with the position of their item."""
    rows = db.session.execute(
        select(GradingTask, Response.position)
        .join(Response, Response.id == GradingTask.response_id)
        .where(Response.attempt_id == attempt_id).order_by(Response.position, GradingTask.id)).all()
    return [(task, position) for task, position in rows]


def appeal_of_attempt(attempt_id: int) -> Appeal | None:
    return db.session.scalar(select(Appeal).where(Appeal.attempt_id == attempt_id))


def task_of(appeal: Appeal) -> GradingTask:
    return db.session.get(GradingTask, appeal.task_id)
