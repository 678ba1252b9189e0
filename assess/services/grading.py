"""Human grading: tasks made at submission, a leased queue, independent double marks, and
adjudication by a lead. Graders never learn whose answer they grade.

Claiming is safe under concurrency: on PostgreSQL with ``SELECT … FOR UPDATE SKIP LOCKED``,
on SQLite with a conditional update that only one writer can win.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from flask import current_app
from sqlalchemy import exists, func, or_, select, update

from .. import items as item_types
from ..core.grading import (LevelError, could_cross_a_tier, marked_twice, resolve,
                            score_levels, word_diff)
from ..extensions import db
from ..models import Attempt, Grade, GradingTask, Item, ItemVersion, Response, Rubric
from ..models import AssessmentVersion, RubricVersion
from . import ServiceError, certificates, scoring
from .locks import lock_attempt

OPEN, ADJUDICATION, FINAL = "open", "needs_adjudication", "final"


@dataclass(frozen=True)
class QueueFilter:
    assessment_id: int | None = None
    item_id: int | None = None
    kind: str | None = None


# ---- making tasks ------------------------------------------------------------------------------

def create_tasks(attempt: Attempt, now: datetime) -> int:
    """One task per non-empty written part of a finished timed attempt. Empty parts make no
    task: they score zero. Returns how many tasks were made."""
    if attempt.assessment_version.mode != "timed":
        return 0  # practice answers are for the applicant's own learning
    share = current_app.config["GRADING_DOUBLE_SHARE"]
    rubrics: dict[tuple[int, str], RubricVersion] = {}  # items of a bank share few rubrics
    parts = []
    for response in attempt.responses:
        content = response.item_version.content
        for part in item_types.get(content["type"]).human_parts(content, response.answer):
            key = (response.item_version.item.bank_id, part.rubric)
            if key not in rubrics:
                rubrics[key] = _rubric_version(*key)
            parts.append((response, part, rubrics[key]))
    written_max = sum(rubric.max_points for _, _, rubric in parts)
    thresholds = [tier.min_overall for tier in attempt.assessment_version.tiers]
    for response, part, rubric in parts:
        # A random share, plus every task that could decide the applicant's tier.
        twice = marked_twice(f"{attempt.seed}:{response.id}:{part.part}", share) or \
            could_cross_a_tier(attempt.auto_points or 0.0, attempt.auto_max_points or 0.0,
                               written_max, rubric.max_points, thresholds)
        db.session.add(GradingTask(
            response_id=response.id, part=part.part, kind=part.kind,
            rubric_version_id=rubric.id, text=part.text, context=dict(part.context),
            status=OPEN, grades_required=2 if twice else 1, grades_done=0,
            max_points=rubric.max_points, created_at=now))
    return len(parts)


def _rubric_version(bank_id: int, slug: str) -> RubricVersion:
    rubric = db.session.scalar(select(Rubric).where(Rubric.bank_id == bank_id,
                                                    Rubric.slug == slug))
    return rubric.latest


# ---- the queue ---------------------------------------------------------------------------------

def _lease_until(now: datetime) -> datetime:
    return now + timedelta(minutes=current_app.config["GRADING_LEASE_MINUTES"])


def _free(now: datetime):
    return or_(GradingTask.lease_holder_id.is_(None), GradingTask.lease_expires_at < now)


def _held_by(user_id: int, now: datetime):
    return (GradingTask.lease_holder_id == user_id) & (GradingTask.lease_expires_at >= now)


def _candidates(user_id: int, now: datetime, status: str, where: QueueFilter,
                exclude: Iterable[int]):
    """Tasks this user may take: free, not from their own attempt, not already marked by
    them (independent marks must come from different people)."""
    query = (select(GradingTask.id)
             .join(Response, Response.id == GradingTask.response_id)
             .join(Attempt, Attempt.id == Response.attempt_id)
             .join(ItemVersion, ItemVersion.id == Response.item_version_id)
             .where(GradingTask.status == status, _free(now), Attempt.user_id != user_id,
                    ~exists().where(Grade.task_id == GradingTask.id, Grade.grader_id == user_id))
             .order_by(GradingTask.id))
    if status == OPEN:
        query = query.where(GradingTask.grades_done < GradingTask.grades_required)
    if where.assessment_id:
        query = query.where(Attempt.assessment_id == where.assessment_id)
    if where.item_id:
        query = query.where(ItemVersion.item_id == where.item_id)
    if where.kind:
        query = query.where(GradingTask.kind == where.kind)
    exclude = list(exclude)
    if exclude:
        query = query.where(GradingTask.id.not_in(exclude))
    return query


def _claim(user_id: int, now: datetime, status: str, where: QueueFilter,
           exclude: Iterable[int] = ()) -> int | None:
    """Lease the next task to ``user_id`` (without committing); None when nothing is left."""
    held = db.session.scalar(select(GradingTask.id).where(
        _held_by(user_id, now), GradingTask.status.in_(
            (status, FINAL) if status == OPEN else (status,))))
    if held is not None:
        return held
    if status == OPEN and _calibration_turn(user_id):
        reference = _first_free(_candidates(user_id, now, FINAL, where, exclude)
                                .where(GradingTask.is_reference.is_(True)), user_id, now, FINAL)
        if reference is not None:
            return reference
    return _first_free(_candidates(user_id, now, status, where, exclude), user_id, now, status)


def _calibration_turn(user_id: int) -> bool:
    """Whether this grader's next task is a reference answer, at the configured rate; the
    grader cannot tell, since references look like any other task."""
    done = db.session.scalar(select(func.count()).select_from(Grade)
                             .where(Grade.grader_id == user_id))
    return marked_twice(f"calibration:{user_id}:{done}",
                        current_app.config["GRADING_CALIBRATION_RATE"])


def _first_free(query, user_id: int, now: datetime, status: str) -> int | None:
    if db.session.get_bind().dialect.name == "postgresql":
        for _ in range(3):  # a row finished by someone else since it was read: try the next
            task_id = db.session.scalar(
                query.limit(1).with_for_update(skip_locked=True, of=GradingTask))
            if task_id is None or _take(task_id, user_id, now, status):
                return task_id
        return None
    for task_id in db.session.scalars(query.limit(16)).all():
        if _take(task_id, user_id, now, status):
            return task_id
    return None


def _take(task_id: int, user_id: int, now: datetime, status: str) -> bool:
    """The atomic step: only a task that is still free and still needs this kind of mark can
    be taken (another grader may have finished it since it was selected)."""
    still = [GradingTask.id == task_id, _free(now), GradingTask.status == status]
    if status == FINAL:
        still.append(GradingTask.is_reference.is_(True))
    if status == OPEN:
        still.append(GradingTask.grades_done < GradingTask.grades_required)
    taken = db.session.execute(
        update(GradingTask).where(*still)
        .values(lease_holder_id=user_id, lease_expires_at=_lease_until(now))
        .execution_options(synchronize_session=False))
    return taken.rowcount == 1


def claim_next(user_id: int, now: datetime, where: QueueFilter = QueueFilter(),
               exclude: Iterable[int] = ()) -> int | None:
    task_id = _claim(user_id, now, OPEN, where, exclude)
    db.session.commit()
    return task_id


def claim_adjudication(lead_id: int, now: datetime) -> int | None:
    task_id = _claim(lead_id, now, ADJUDICATION, QueueFilter())
    db.session.commit()
    return task_id


def renew_lease(task_id: int, user_id: int, now: datetime) -> datetime:
    until = _lease_until(now)
    if not _change_held(task_id, user_id, now, lease_expires_at=until):
        raise _not_held(task_id, user_id, now)
    db.session.commit()
    return until


def skip(task_id: int, user_id: int, now: datetime, where: QueueFilter,
         exclude: Iterable[int]) -> int | None:
    """Give the task back and take the next one (not one skipped before)."""
    status = db.session.scalar(select(GradingTask.status).where(GradingTask.id == task_id))
    if not _change_held(task_id, user_id, now, lease_holder_id=None, lease_expires_at=None):
        raise _not_held(task_id, user_id, now)
    status = OPEN if status == FINAL else status  # a skipped reference: back to work
    next_id = _claim(user_id, now, status, where, [*exclude, task_id])
    db.session.commit()
    return next_id


def _change_held(task_id: int, user_id: int, now: datetime, **values) -> bool:
    """Change a task only while ``user_id`` holds its lease: holder and expiry are checked in
    the same statement, so a late request cannot touch a lease someone else has since taken."""
    changed = db.session.execute(
        update(GradingTask).where(GradingTask.id == task_id, _held_by(user_id, now))
        .values(**values).execution_options(synchronize_session=False))
    return changed.rowcount == 1


def _not_held(task_id: int, user_id: int, now: datetime) -> ServiceError:
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


def _leased(task_id: int, user_id: int, now: datetime) -> GradingTask:
    """The task, if ``user_id`` holds its lease now (for reading it)."""
    task = db.session.get(GradingTask, task_id)
    if task is None or task.lease_holder_id != user_id or task.lease_expires_at is None \
            or task.lease_expires_at < now:
        raise _not_held(task_id, user_id, now)
    return task


# ---- marking -----------------------------------------------------------------------------------

def submit_grade(task_id: int, grader_id: int, levels: Mapping[str, Any], comment: str,
                 now: datetime, where: QueueFilter = QueueFilter(),
                 exclude: Iterable[int] = ()) -> int | None:
    """Record an independent mark (or, on a task awaiting adjudication, the lead's decision),
    resolve the task if it can be, score the attempt if it was its last task, and lease the
    next one. Returns the next task id.

    The attempt's row is locked first: two graders finishing an attempt's last two tasks at
    once are serialised, and the second sees the first's task final and scores the attempt.
    """
    attempt_id = db.session.scalar(
        select(Response.attempt_id).join(GradingTask, GradingTask.response_id == Response.id)
        .where(GradingTask.id == task_id))
    if attempt_id is None:
        raise ServiceError("No such grading task.", code="not_found")
    attempt = lock_attempt(attempt_id)
    task = db.session.get(GradingTask, task_id, populate_existing=True)
    if task.lease_holder_id != grader_id or task.lease_expires_at is None \
            or task.lease_expires_at < now:
        raise _not_held(task_id, grader_id, now)
    adjudicating = task.status == ADJUDICATION
    calibrating = task.status == FINAL and task.is_reference
    if task.status == FINAL and not calibrating:
        raise ServiceError("This task is already graded.", code="already_graded")
    scored = _score(task, levels)
    comment = (comment or "").strip()
    if len(comment) > 4000:
        raise ServiceError("The comment is longer than 4000 characters.", code="invalid",
                           field="comment")
    points = round(sum(scored.values()), 6)
    independent = not (calibrating or adjudicating)
    released = {"lease_holder_id": None, "lease_expires_at": None}
    if independent:
        released["grades_done"] = GradingTask.grades_done + 1
    if not _change_held(task_id, grader_id, now, **released):
        raise _not_held(task_id, grader_id, now)
    db.session.add(Grade(task_id=task.id, grader_id=grader_id,
                         kind="adjudication" if adjudicating else "independent",
                         levels=scored, points=points, comment=comment, created_at=now))
    db.session.flush()
    db.session.refresh(task)
    if adjudicating:
        task.status, task.final_points, task.resolution = FINAL, points, "adjudicated"
    elif independent:
        marks = db.session.scalars(select(Grade.points).where(
            Grade.task_id == task.id, Grade.kind == "independent").order_by(Grade.id)).all()
        outcome = resolve(list(marks), task.grades_required, task.max_points,
                          current_app.config["GRADING_ADJUDICATION_THRESHOLD"])
        task.status, task.final_points, task.resolution = \
            outcome.status, outcome.points, outcome.how
    # a mark on a reference answer measures the grader; the task's result stands
    db.session.flush()
    if task.status == FINAL and not calibrating:
        scoring.score_if_complete(attempt, now)
    next_id = _claim(grader_id, now, ADJUDICATION if adjudicating else OPEN, where, exclude)
    db.session.commit()
    certificates.issue_due(attempt_id, now)
    return next_id


def _score(task: GradingTask, levels: Mapping[str, Any]) -> dict[str, float]:
    try:
        return score_levels(task.rubric_version.definition, levels)
    except LevelError as exc:
        raise ServiceError(exc.message, code="invalid_level", field=exc.field) from exc


# ---- what graders see (reads) ------------------------------------------------------------------

@dataclass
class TaskView:
    """Everything a grader needs and nothing that identifies the applicant."""

    id: int
    kind: str
    part: str
    status: str
    item_title: str | None
    item_type: str
    item_label: str
    view: dict[str, Any]
    rendered: dict[str, str]
    answer: dict[str, Any]
    text: str
    context: dict[str, Any]
    rubric: dict[str, Any]
    rubric_rendered: dict[str, str]
    max_points: float
    lease_expires_at: datetime
    diff: list[tuple[str, str]] | None
    other_grades: list[dict[str, Any]]  # shown to the adjudicating lead only
    rendered_gold: dict[str, str]  # the key and its explanation: graders judge against it

    @property
    def templates(self) -> dict[str, str]:
        return item_types.get(self.item_type).templates


def task_view(task_id: int, user_id: int, now: datetime) -> TaskView:
    task = _leased(task_id, user_id, now)
    # Independent marks stay unseen by the next grader (and on references); only the
    # adjudicating lead compares them.
    return view_of(task, show_grades=task.status == ADJUDICATION)


def view_of(task: GradingTask, *, show_grades: bool) -> TaskView:
    """The blind view of a task (leads deciding an appeal see it the same way)."""
    response = task.response
    version = response.item_version
    content = version.content
    item_type = item_types.get(content["type"])
    # A part whose type hands graders the original text (a rewrite) is shown as a word diff.
    diff = word_diff(task.context["original"], task.text) if "original" in task.context \
        else None
    others = []
    if show_grades:
        names = {"independent": "Grader", "adjudication": "Lead's decision", "appeal": "Appeal"}
        counted = [g for g in task.grades if g.kind in names]
        others = [{"points": g.points, "levels": g.levels, "comment": g.comment,
                   "label": f"{names[g.kind]} {n}" if g.kind == "independent" else names[g.kind]}
                  for n, g in enumerate(counted, 1)]
    return TaskView(
        id=task.id, kind=task.kind, part=task.part, status=task.status,
        item_title=content.get("title"), item_type=item_type.name, item_label=item_type.label,
        view=item_type.public_view(content, response.presentation), rendered=version.rendered,
        answer=response.answer or {}, text=task.text, context=task.context,
        rubric=task.rubric_version.definition, rubric_rendered=task.rubric_version.rendered,
        max_points=task.max_points, lease_expires_at=task.lease_expires_at, diff=diff,
        other_grades=others, rendered_gold=version.rendered_gold)


@dataclass(frozen=True)
class Progress:
    graded_total: int
    graded_today: int
    available: int  # tasks this grader could take now
    held: int | None  # the task they hold, if any


def progress(user_id: int, now: datetime, where: QueueFilter = QueueFilter()) -> Progress:
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    total = db.session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.grader_id == user_id))
    today = db.session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.grader_id == user_id, Grade.created_at >= start_of_day))
    available = db.session.scalar(select(func.count()).select_from(
        _candidates(user_id, now, OPEN, where, ()).subquery()))
    held = db.session.scalar(select(GradingTask.id).where(_held_by(user_id, now)))
    return Progress(total, today, available, held)


def adjudication_count(user_id: int, now: datetime) -> int:
    return db.session.scalar(select(func.count()).select_from(
        _candidates(user_id, now, ADJUDICATION, QueueFilter(), ()).subquery()))


def queue_filters() -> dict[str, list[tuple[Any, str]]]:
    """The assessments, items and kinds that have open tasks, for the filter form."""
    rows = db.session.execute(
        select(Attempt.assessment_id, AssessmentVersion.title, Item.id, Item.slug,
               GradingTask.kind).distinct()
        .select_from(GradingTask)
        .join(Response, Response.id == GradingTask.response_id)
        .join(Attempt, Attempt.id == Response.attempt_id)
        .join(AssessmentVersion, AssessmentVersion.id == Attempt.assessment_version_id)
        .join(ItemVersion, ItemVersion.id == Response.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(GradingTask.status == OPEN)).all()
    return {
        "assessments": sorted({(r[0], r[1]) for r in rows}, key=lambda x: x[1]),
        "items": sorted({(r[2], r[3]) for r in rows}, key=lambda x: x[1]),
        "kinds": sorted({(r[4], r[4].capitalize()) for r in rows}),
    }
