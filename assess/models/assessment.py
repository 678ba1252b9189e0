"""Assessment blueprints, versioned like items so that an attempt keeps the rules it began under."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime

MODES = ("timed", "practice")


class Assessment(db.Model):
    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    source_path: Mapped[str] = mapped_column(String(500))
    retired: Mapped[bool] = mapped_column(default=False)

    versions: Mapped[list[AssessmentVersion]] = relationship(
        back_populates="assessment", order_by="AssessmentVersion.version")

    @property
    def latest(self) -> AssessmentVersion:
        return self.versions[-1]


class AssessmentVersion(db.Model):
    __tablename__ = "assessment_versions"
    __table_args__ = (
        UniqueConstraint("assessment_id", "version"),
        CheckConstraint(f"mode IN {MODES!r}", name="mode_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(80))
    mode: Mapped[str] = mapped_column(String(16))
    time_limit_minutes: Mapped[int | None]
    grace_seconds: Mapped[int]
    attempts_allowed: Mapped[int]  # 0 = unlimited
    cooldown_hours: Mapped[float]
    shuffle_items: Mapped[bool]
    description_html: Mapped[str] = mapped_column(Text)
    instructions_html: Mapped[str] = mapped_column(Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    assessment: Mapped[Assessment] = relationship(back_populates="versions")
    sections: Mapped[list[AssessmentSection]] = relationship(
        back_populates="assessment_version", order_by="AssessmentSection.position")
    tiers: Mapped[list[TierRule]] = relationship(
        back_populates="assessment_version", order_by="TierRule.rank")

    @property
    def item_count(self) -> int:
        return sum(section.draw for section in self.sections)

    @property
    def weights(self) -> dict[str, Any] | None:
        """The blueprint's part and section weights (None: points are summed as drawn)."""
        return (self.definition or {}).get("weights")


class AssessmentSection(db.Model):
    __tablename__ = "assessment_sections"
    __table_args__ = (UniqueConstraint("assessment_version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_version_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_versions.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    draw: Mapped[int]
    # Resolved against the latest item versions when an attempt starts; the attempt then
    # keeps the exact versions it drew.
    selector: Mapped[dict[str, Any]] = mapped_column(JSONType)

    assessment_version: Mapped[AssessmentVersion] = relationship(back_populates="sections")


class TierRule(db.Model):
    __tablename__ = "tier_rules"
    __table_args__ = (UniqueConstraint("assessment_version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_version_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_versions.id"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))
    rank: Mapped[int]  # 1 = lowest
    min_overall: Mapped[float]
    min_skills: Mapped[dict[str, float]] = mapped_column(JSONType)
    # Minimum shares of score parts ({"keyed": 0.7}): judgment must carry every tier.
    min_parts: Mapped[dict[str, float] | None] = mapped_column(JSONType)
    requires: Mapped[list[str]] = mapped_column(JSONType)  # "assessment-slug:tier-slug"
    valid_days: Mapped[int | None]

    assessment_version: Mapped[AssessmentVersion] = relationship(back_populates="tiers")
