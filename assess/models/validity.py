"""The admin's random-guess odds of an assessment version, kept between views."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime


class ValidityReport(db.Model):
    """One per assessment version; ``inputs`` fingerprints what the odds were computed from
    (the version, the imported items and rubrics, seed and samples): a row whose fingerprint
    no longer matches is computed again."""

    __tablename__ = "validity_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_version_id: Mapped[int] = mapped_column(ForeignKey("assessment_versions.id"),
                                                       unique=True)
    inputs: Mapped[str] = mapped_column(String(64))
    odds: Mapped[list[dict[str, Any]]] = mapped_column(JSONType)  # TierOdds as dicts
    problem: Mapped[str | None] = mapped_column(Text)  # why the odds could not be computed
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
