"""Human grading: tasks under a lease, independent grades, appeals."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime

TASK_STATUSES = ("open", "needs_adjudication", "final")
GRADE_KINDS = ("independent", "adjudication", "appeal", "reference")
APPEAL_STATUSES = ("pending", "upheld", "changed")


class GradingTask(db.Model):
    __tablename__ = "grading_tasks"
    __table_args__ = (
        UniqueConstraint("response_id", "part"),
        CheckConstraint(f"status IN {TASK_STATUSES!r}", name="status_known"),
        # The queue takes the oldest free task of a status.
        Index("ix_grading_tasks_queue", "status", "id"),
        # The task a grader holds (few rows: only leased tasks have a holder).
        Index("ix_grading_tasks_held", "lease_holder_id", "lease_expires_at",
              postgresql_where=text("lease_holder_id IS NOT NULL"),
              sqlite_where=text("lease_holder_id IS NOT NULL")),
        # The queue under a filter, and the filter's options (distinct values of open tasks).
        *(Index(f"ix_grading_tasks_open_{column}", column, "id",
                postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'"))
          for column in ("assessment_id", "item_id", "kind")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    part: Mapped[str] = mapped_column(String(80))  # justification | rewrite | correction:<id>
    # Copied from the response's attempt and item (they never change) for the queue's filters.
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    kind: Mapped[str] = mapped_column(String(20))
    rubric_version_id: Mapped[int] = mapped_column(ForeignKey("rubric_versions.id"))
    text: Mapped[str] = mapped_column(Text)  # what the applicant wrote, frozen at submission
    context: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[str] = mapped_column(String(20), default="open")
    grades_required: Mapped[int] = mapped_column(default=1)
    grades_done: Mapped[int] = mapped_column(default=0)
    lease_holder_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    is_reference: Mapped[bool] = mapped_column(default=False)  # calibration answer
    final_points: Mapped[float | None]
    max_points: Mapped[float]
    resolution: Mapped[str | None] = mapped_column(String(40))  # single | agreed | adjudicated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    response = relationship("Response")
    rubric_version = relationship("RubricVersion")
    grades: Mapped[list[Grade]] = relationship(back_populates="task", order_by="Grade.id")


class Grade(db.Model):
    __tablename__ = "grades"
    __table_args__ = (
        UniqueConstraint("task_id", "grader_id", "kind"),
        CheckConstraint(f"kind IN {GRADE_KINDS!r}", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("grading_tasks.id"), index=True)
    grader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default="independent")
    levels: Mapped[dict[str, float]] = mapped_column(JSONType)  # criterion id -> points
    points: Mapped[float]
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    task: Mapped[GradingTask] = relationship(back_populates="grades")
    grader = relationship("User")


class Appeal(db.Model):
    __tablename__ = "appeals"
    __table_args__ = (
        UniqueConstraint("attempt_id"),  # one appeal per attempt
        CheckConstraint(f"status IN {APPEAL_STATUSES!r}", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    task_id: Mapped[int] = mapped_column(ForeignKey("grading_tasks.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
