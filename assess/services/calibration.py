"""Calibration: leads turn graded answers into references, the queue mixes references in
unmarked, and each grader's drift from references and peers is reported to leads."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..core.agreement import krippendorff_alpha
from ..core.calibration import DEVIATION_LIMIT, KAPPA_FLOOR, Standing, TaskPair, standing
from ..extensions import db
from ..models import Grade, GradingTask, Item, ItemVersion, Response, User
from ..settings import settings
from . import ServiceError


def mark_reference(task_id: int, lead_id: int, now: datetime) -> GradingTask:
    """Make a finished task a reference: its deciding marks become the lead's reference."""
    task = db.session.get(GradingTask, task_id)
    if task is None:
        raise ServiceError("No such grading task.", code="not_found")
    if task.status != "final":
        raise ServiceError("Only a fully graded task can become a reference.",
                           code="not_final")
    if task.is_reference:
        return task
    grades = sorted(task.grades, key=lambda g: g.id)
    deciding = next((g for g in grades if g.kind == "adjudication"), None) or \
        next(g for g in grades if g.kind == "independent")
    db.session.add(Grade(task_id=task.id, grader_id=lead_id, kind="reference",
                         levels=dict(deciding.levels), points=deciding.points,
                         comment="reference", created_at=now))
    task.is_reference = True
    db.session.commit()
    return task


@dataclass
class GraderRow:
    grader_id: int
    name: str
    standing: Standing


@dataclass
class CalibrationReport:
    graders: list[GraderRow]
    alpha: float | None  # interval alpha over every double-marked task
    double_marked: int
    references: int
    min_marks: int  # compared marks before a grader can be flagged
    confidence: float  # of the intervals shown
    kappa_floor: float = KAPPA_FLOOR
    deviation_limit: float = DEVIATION_LIMIT


def report() -> CalibrationReport:
    grades = db.session.scalars(
        select(Grade).join(GradingTask, GradingTask.id == Grade.task_id)
        .where(Grade.kind.in_(("independent", "reference"))).order_by(Grade.id)).all()
    by_task: dict[int, list[Grade]] = defaultdict(list)
    for grade in grades:
        by_task[grade.task_id].append(grade)
    tasks = {t.id: t for t in db.session.scalars(
        select(GradingTask).where(GradingTask.id.in_(list(by_task))))}
    reference_pairs: dict[int, list[TaskPair]] = defaultdict(list)
    peer_pairs: dict[int, list[TaskPair]] = defaultdict(list)
    units = []
    for task_id, marks in by_task.items():
        task = tasks[task_id]
        independent = [g for g in marks if g.kind == "independent"]
        reference = next((g for g in marks if g.kind == "reference"), None)
        if reference is not None:
            for grade in independent:
                if grade.created_at >= reference.created_at:  # graded as a calibration task
                    reference_pairs[grade.grader_id].append(_pair(grade, reference, task))
        if task.grades_required == 2 and len(independent) >= 2:
            first, second = independent[:2]
            peer_pairs[first.grader_id].append(_pair(first, second, task))
            peer_pairs[second.grader_id].append(_pair(second, first, task))
            units.append([first.points / task.max_points, second.points / task.max_points])
    grader_ids = sorted({g.grader_id for g in grades if g.kind == "independent"})
    names = dict(db.session.execute(select(User.id, User.name)
                                    .where(User.id.in_(grader_ids))).all())
    min_marks, confidence = settings().drift_min_marks, settings().drift_confidence
    rows = [GraderRow(g, names.get(g, str(g)),
                      standing(g, reference_pairs.get(g, []), peer_pairs.get(g, []),
                               min_marks=min_marks, confidence=confidence))
            for g in grader_ids]
    rows.sort(key=lambda row: (not row.standing.flagged, row.name))
    return CalibrationReport(rows, krippendorff_alpha(units, level="interval") if units else None,
                             len(units), sum(t.is_reference for t in tasks.values()),
                             min_marks, confidence)


def _pair(own: Grade, other: Grade, task: GradingTask) -> TaskPair:
    return TaskPair(own.points, other.points, task.max_points, dict(own.levels),
                    dict(other.levels))


def reference_candidates(limit: int = 30) -> list[tuple[int, str, str, float, float]]:
    """Recent finished tasks a lead may turn into references: id, kind, item, points, max."""
    rows = db.session.execute(
        select(GradingTask.id, GradingTask.kind, Item.slug, GradingTask.final_points,
               GradingTask.max_points)
        .join(Response, Response.id == GradingTask.response_id)
        .join(ItemVersion, ItemVersion.id == Response.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(GradingTask.status == "final", GradingTask.is_reference.is_(False))
        .order_by(GradingTask.id.desc()).limit(limit)).all()
    return [tuple(row) for row in rows]
