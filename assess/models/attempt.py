"""Attempts, the items they showed with their answers, and the append-only answer history."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime

ATTEMPT_STATUSES = ("in_progress", "submitted", "awaiting_grading", "scored", "void")
OPEN = "in_progress"


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (
        CheckConstraint(f"status IN {ATTEMPT_STATUSES!r}", name="status_known"),
        # One open attempt per applicant per assessment, enforced by the database.
        Index("uq_attempts_one_open", "user_id", "assessment_id", unique=True,
              sqlite_where=text("status = 'in_progress'"),
              postgresql_where=text("status = 'in_progress'")),
        # The sweep: open attempts by deadline.
        Index("ix_attempts_open_deadline", "deadline_at",
              sqlite_where=text("status = 'in_progress'"),
              postgresql_where=text("status = 'in_progress'")),
        # The repair: certificates still to be signed.
        Index("ix_attempts_certificate_due", "certificate_due_at",
              sqlite_where=text("certificate_due_at IS NOT NULL"),
              postgresql_where=text("certificate_due_at IS NOT NULL")),
        # Item analysis (services.analysis): an assessment's scored first attempts.
        Index("ix_attempts_analysis", "assessment_id", "status", "number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    assessment_version_id: Mapped[int] = mapped_column(ForeignKey("assessment_versions.id"))
    number: Mapped[int]  # 1 for the applicant's first attempt at this assessment
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None when untimed
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finalised_by: Mapped[str | None] = mapped_column(String(20))  # applicant | deadline | sweep
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auto_points: Mapped[float | None]
    auto_max_points: Mapped[float | None]
    score: Mapped[float | None]  # overall share of points, 0..1, once scored
    sub_scores: Mapped[dict[str, float] | None] = mapped_column(JSONType)
    tier_slug: Mapped[str | None] = mapped_column(String(80))
    # Set when the score calls for a new certificate; cleared once one is signed. Signing
    # runs after the score is committed and is retried until it succeeds.
    certificate_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    certificate_error: Mapped[str | None] = mapped_column(Text)  # the last failure, for admins
    certificate_tries: Mapped[int] = mapped_column(default=0, server_default="0")

    user = relationship("User")
    assessment = relationship("Assessment")
    assessment_version = relationship("AssessmentVersion")
    responses: Mapped[list[Response]] = relationship(
        back_populates="attempt", order_by="Response.position")


class Response(db.Model):
    """One item as shown in one attempt, with the applicant's latest saved answer."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("attempt_id", "position"),
        UniqueConstraint("attempt_id", "item_version_id"),
        # Item analysis (services.analysis) reads every response of the attempts in scope in
        # this order, and only these columns (the id to join grading tasks): the index alone
        # answers it and the report's stamp, without the rows and their answers. Saving an
        # answer changes none of them.
        Index("ix_responses_analysis", "attempt_id", "position", "item_version_id",
              "section_slug", "auto_points", "max_points", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    item_version_id: Mapped[int] = mapped_column(ForeignKey("item_versions.id"), index=True)
    position: Mapped[int]
    section_slug: Mapped[str] = mapped_column(String(80))
    presentation: Mapped[dict[str, Any]] = mapped_column(JSONType)  # shown order etc.
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    revision: Mapped[int] = mapped_column(default=0)  # client revision of the saved answer
    flagged: Mapped[bool] = mapped_column(default=False)
    first_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    auto_points: Mapped[float | None]
    max_points: Mapped[float | None]
    grade_detail: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    attempt: Mapped[Attempt] = relationship(back_populates="responses")
    item_version = relationship("ItemVersion")


class AnswerEvent(db.Model):
    """Every save, kept forever: the audit trail and the source of truth if anything is lost."""

    __tablename__ = "answer_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id"), index=True)
    revision: Mapped[int]
    answer: Mapped[dict[str, Any]] = mapped_column(JSONType)
    accepted: Mapped[bool]  # False for stale revisions, kept for the record
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ScoreEvent(db.Model):
    """A change to an attempt's score or tier (first scoring, appeal, regrade), with why."""

    __tablename__ = "score_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(String(40))  # scored | appeal | regrade | void
    note: Mapped[str] = mapped_column(Text, default="")
    old_score: Mapped[float | None]
    new_score: Mapped[float | None]
    old_tier: Mapped[str | None] = mapped_column(String(80))
    new_tier: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
