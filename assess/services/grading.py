"""Human grading: tasks made at submission, a leased queue (``grading_queue``), independent
double marks, and adjudication by a lead. Graders never learn whose answer they grade.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy import func, select

from .. import items as item_types
from ..core.grading import (
    LevelError,
    could_cross_a_tier,
    marked_twice,
    resolve,
    score_levels,
    word_diff,
)
from ..extensions import db
from ..models import (
    AssessmentVersion,
    Attempt,
    Grade,
    GradingTask,
    Item,
    Response,
    Rubric,
    RubricVersion,
)
from ..settings import settings
from . import ServiceError, certificates, scoring
from . import grading_queue as queue
from .grading_queue import ADJUDICATION, FINAL, OPEN, QueueFilter
from .locks import lock_attempt

# ---- making tasks ------------------------------------------------------------------------------

def create_tasks(attempt: Attempt, now: datetime) -> int:
    """One task per non-empty written part of a finished timed attempt. Empty parts make no
    task: they score zero. Returns how many tasks were made."""
    if attempt.assessment_version.mode != "timed":
        return 0  # practice answers are for the applicant's own learning
    share = settings().grading_double_share
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
            assessment_id=attempt.assessment_id, item_id=response.item_version.item_id,
            rubric_version_id=rubric.id, text=part.text, context=dict(part.context),
            status=OPEN, grades_required=2 if twice else 1, grades_done=0,
            max_points=rubric.max_points, created_at=now))
    return len(parts)


def _rubric_version(bank_id: int, slug: str) -> RubricVersion:
    rubric = db.session.scalar(select(Rubric).where(Rubric.bank_id == bank_id,
                                                    Rubric.slug == slug))
    return rubric.latest


# ---- the queue ---------------------------------------------------------------------------------

def claim_next(user_id: int, now: datetime, where: QueueFilter = QueueFilter(),
               exclude: Iterable[int] = ()) -> int | None:
    task_id = queue.claim(user_id, now, OPEN, where, exclude)
    db.session.commit()
    return task_id


def claim_adjudication(lead_id: int, now: datetime) -> int | None:
    task_id = queue.claim(lead_id, now, ADJUDICATION, QueueFilter())
    db.session.commit()
    return task_id


def renew_lease(task_id: int, user_id: int, now: datetime) -> datetime:
    until = queue.lease_until(now)
    if not queue.change_held(task_id, user_id, now, lease_expires_at=until):
        raise queue.not_held(task_id, user_id, now)
    db.session.commit()
    return until


def skip(task_id: int, user_id: int, now: datetime, where: QueueFilter,
         exclude: Iterable[int]) -> int | None:
    """Give the task back and take the next one (not one skipped before)."""
    status = db.session.scalar(select(GradingTask.status).where(GradingTask.id == task_id))
    if not queue.change_held(task_id, user_id, now, lease_holder_id=None, lease_expires_at=None):
        raise queue.not_held(task_id, user_id, now)
    status = OPEN if status == FINAL else status  # a skipped reference: back to work
    next_id = queue.claim(user_id, now, status, where, [*exclude, task_id])
    db.session.commit()
    return next_id


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
        raise queue.not_held(task_id, grader_id, now)
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
    if not queue.change_held(task_id, grader_id, now, **released):
        raise queue.not_held(task_id, grader_id, now)
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
                          settings().grading_adjudication_threshold)
        task.status, task.final_points, task.resolution = \
            outcome.status, outcome.points, outcome.how
    # a mark on a reference answer measures the grader; the task's result stands
    db.session.flush()
    if task.status == FINAL and not calibrating:
        scoring.score_if_complete(attempt, now)
    next_id = queue.claim(grader_id, now, ADJUDICATION if adjudicating else OPEN, where, exclude)
    db.session.commit()
    certificates.issue_soon(attempt_id, now)
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
    task = queue.leased(task_id, user_id, now)
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
    available: queue.Bounded  # tasks this grader could take now (up to a cap)
    held: int | None  # the task they hold, if any


def progress(user_id: int, now: datetime, where: QueueFilter = QueueFilter()) -> Progress:
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    total = db.session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.grader_id == user_id))
    today = db.session.scalar(select(func.count()).select_from(Grade)
                              .where(Grade.grader_id == user_id, Grade.created_at >= start_of_day))
    available = queue.bounded_count(queue.candidates(user_id, now, OPEN, where, ()))
    held = db.session.scalar(select(GradingTask.id).where(queue.held_by(user_id, now)))
    return Progress(total, today, available, held)


def adjudication_count(user_id: int, now: datetime) -> queue.Bounded:
    return queue.bounded_count(queue.candidates(user_id, now, ADJUDICATION, QueueFilter(), ()))


def queue_filters() -> dict[str, list[tuple[Any, str]]]:
    """The assessments, items and kinds that have open tasks, for the filter form."""
    assessment_ids = queue.open_values("assessment_id")
    titles = dict(db.session.execute(
        select(AssessmentVersion.assessment_id, AssessmentVersion.title)
        .where(AssessmentVersion.assessment_id.in_(assessment_ids))
        .order_by(AssessmentVersion.version)).all())  # the newest version's title wins
    items = db.session.execute(select(Item.id, Item.slug)
                               .where(Item.id.in_(queue.open_values("item_id")))).all()
    return {
        "assessments": sorted(titles.items(), key=lambda x: x[1]),
        "items": sorted(((r[0], r[1]) for r in items), key=lambda x: x[1]),
        "kinds": sorted((kind, kind.capitalize()) for kind in queue.open_values("kind")),
    }
