"""The grading queue: which tasks a grader may take, the atomic claim of one, and changes made
only while its lease is held. Nothing here commits: the use cases in ``grading`` do.

Claiming is safe under concurrency: on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``,
on SQLite with a conditional update that only one writer can win.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import exists, func, literal, or_, select, text, update

from ..core.grading import marked_twice
from ..extensions import db
from ..models import Attempt, Grade, GradingTask, Response
from ..settings import settings
from . import ServiceError

OPEN, ADJUDICATION, FINAL = "open", "needs_adjudication", "final"
COUNT_CAP = 1000  # counts on the queue page stop here ("1,000+"): they cost the same at any size


@dataclass(frozen=True)
class QueueFilter:
    assessment_id: int | None = None
    item_id: int | None = None
    kind: str | None = None


def lease_until(now: datetime) -> datetime:
    return now + timedelta(minutes=settings().grading_lease_minutes)


def free(now: datetime):
    return or_(GradingTask.lease_holder_id.is_(None), GradingTask.lease_expires_at < now)


def held_by(user_id: int, now: datetime):
    return (GradingTask.lease_holder_id == user_id) & (GradingTask.lease_expires_at >= now)


def in_status(status: str):
    """Written into the SQL, not bound: both planners must see ``status = 'open'`` to use
    the partial indexes on open tasks (a prepared generic plan could not)."""
    return GradingTask.status == literal(status, literal_execute=True)


def candidates(user_id: int, now: datetime, status: str, where: QueueFilter,
               exclude: Iterable[int]):
    """Tasks this user may take, oldest first: free, not from their own attempt, not already
    marked by them (independent marks must come from different people). The planners walk
    an index in id order (``status, id`` or, under a filter, ``assessment_id|item_id|kind,
    id`` of the open tasks) and stop at the LIMIT the caller sets."""
    own_responses = (select(Response.id).join(Attempt, Attempt.id == Response.attempt_id)
                     .where(Attempt.user_id == user_id))  # read once, nearly always empty
    query = (select(GradingTask.id)
             .where(in_status(status), free(now), GradingTask.response_id.not_in(own_responses),
                    ~exists().where(Grade.task_id == GradingTask.id, Grade.grader_id == user_id))
             .order_by(GradingTask.id))
    if status == OPEN:
        query = query.where(GradingTask.grades_done < GradingTask.grades_required)
    if where.assessment_id:
        query = query.where(GradingTask.assessment_id == where.assessment_id)
    if where.item_id:
        query = query.where(GradingTask.item_id == where.item_id)
    if where.kind:
        query = query.where(GradingTask.kind == where.kind)
    exclude = list(exclude)
    if exclude:
        query = query.where(GradingTask.id.not_in(exclude))
    return query


def claim(user_id: int, now: datetime, status: str, where: QueueFilter,
          exclude: Iterable[int] = ()) -> int | None:
    """Lease the next task to ``user_id`` (without committing); None when nothing is left."""
    held = db.session.scalar(select(GradingTask.id).where(
        held_by(user_id, now), GradingTask.status.in_(
            (status, FINAL) if status == OPEN else (status,))))
    if held is not None:
        return held
    if status == OPEN and calibration_turn(user_id):
        reference = first_free(candidates(user_id, now, FINAL, where, exclude)
                               .where(GradingTask.is_reference.is_(True)), user_id, now, FINAL)
        if reference is not None:
            return reference
    return first_free(candidates(user_id, now, status, where, exclude), user_id, now, status)


def calibration_turn(user_id: int) -> bool:
    """Whether this grader's next task is a reference answer, at the configured rate; the
    grader cannot tell, since references look like any other task."""
    done = db.session.scalar(select(func.count()).select_from(Grade)
                             .where(Grade.grader_id == user_id))
    return marked_twice(f"calibration:{user_id}:{done}", settings().grading_calibration_rate)


def first_free(query, user_id: int, now: datetime, status: str) -> int | None:
    if db.session.get_bind().dialect.name == "postgresql":
        for _ in range(3):  # a row finished by someone else since it was read: try the next
            task_id = db.session.scalar(
                query.limit(1).with_for_update(skip_locked=True, of=GradingTask))
            if task_id is None or take(task_id, user_id, now, status):
                return task_id
        return None
    for task_id in db.session.scalars(query.limit(16)).all():
        if take(task_id, user_id, now, status):
            return task_id
    return None


def take(task_id: int, user_id: int, now: datetime, status: str) -> bool:
    """The atomic step: only a task that is still free and still needs this kind of mark can
    be taken (another grader may have finished it since it was selected)."""
    still = [GradingTask.id == task_id, free(now), GradingTask.status == status]
    if status == FINAL:
        still.append(GradingTask.is_reference.is_(True))
    if status == OPEN:
        still.append(GradingTask.grades_done < GradingTask.grades_required)
    taken = db.session.execute(
        update(GradingTask).where(*still)
        .values(lease_holder_id=user_id, lease_expires_at=lease_until(now))
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def change_held(task_id: int, user_id: int, now: datetime, **values) -> bool:
    """Change a task only while ``user_id`` holds its lease: holder and expiry are checked in
    the same statement, so a late request cannot touch a lease someone else has since taken."""
    changed = db.session.execute(
        update(GradingTask).where(GradingTask.id == task_id, held_by(user_id, now))
        .values(**values).execution_options(synchronize_session=False))
    return changed.rowcount == 1


def not_held(task_id: int, user_id: int, now: datetime) -> ServiceError:
    """Why ``user_id`` may not act on the task (it was just found not to be theirs)."""
    task = db.session.get(GradingTask, task_id, populate_existing=True)
    if task is None:
        return ServiceError("No such grading task.", code="not_found")
    if task.lease_holder_id == user_id and task.lease_expires_at is not None \
            and task.lease_expires_at < now:
        return ServiceError("Your lease on this task ran out and it went back to the queue; "
                            "your marks were not saved.", code="lease_expired")
    return ServiceError("You do not hold this task: it was returned to the queue or taken "
                        "by someone else. Take the next one from the queue.",
                        code="not_holder")


def leased(task_id: int, user_id: int, now: datetime) -> GradingTask:
    """The task, if ``user_id`` holds its lease now (for reading it)."""
    task = db.session.get(GradingTask, task_id)
    if task is None or task.lease_holder_id != user_id or task.lease_expires_at is None \
            or task.lease_expires_at < now:
        raise not_held(task_id, user_id, now)
    return task


@dataclass(frozen=True)
class Bounded:
    """A count that stopped at ``COUNT_CAP``: shown as "1,000+" when there were more."""

    number: int
    more: bool = False

    def __str__(self) -> str:
        return f"{self.number:,}{'+' if self.more else ''}"

    def __bool__(self) -> bool:
        return self.number > 0


def bounded_count(query) -> Bounded:
    """Counts rows of ``query`` up to one past the cap, in no particular order: the planner
    may stop at the first COUNT_CAP + 1 it finds, however many there are."""
    found = db.session.scalar(select(func.count()).select_from(
        query.order_by(None).limit(COUNT_CAP + 1).subquery()))
    return Bounded(min(found, COUNT_CAP), found > COUNT_CAP)


OPEN_VALUES = """
    WITH RECURSIVE found(value) AS (
        SELECT * FROM (SELECT {column} FROM grading_tasks {hint} WHERE status = 'open'
                       ORDER BY {column} LIMIT 1) AS first
        UNION ALL
        SELECT (SELECT {column} FROM grading_tasks {hint}
                WHERE status = 'open' AND {column} > found.value ORDER BY {column} LIMIT 1)
        FROM found WHERE found.value IS NOT NULL)
    SELECT value FROM found WHERE value IS NOT NULL"""


def open_values(column: str) -> list:
    """The distinct values of ``column`` among open tasks, by a loose index scan: one probe
    of the column's partial index per value found, never a pass over every open task.
    SQLite without statistics would rather filter ``(status, id)``: it is told the index."""
    assert column in ("assessment_id", "item_id", "kind")
    index = f"ix_grading_tasks_open_{column}"
    hint = f"INDEXED BY {index}" if db.session.get_bind().dialect.name == "sqlite" else ""
    return list(db.session.scalars(text(OPEN_VALUES.format(column=column, hint=hint))))
