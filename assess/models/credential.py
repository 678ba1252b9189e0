"""Certificates: signed Open Badges 3.0 credentials, with revocation."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import JSONType, UTCDateTime


class Certificate(db.Model):
    __tablename__ = "certificates"
    __table_args__ = (
        # At most one current certificate per attempt, enforced by the database.
        Index("uq_certificates_one_current", "attempt_id", unique=True,
              sqlite_where=text("revoked_at IS NULL AND superseded_by_id IS NULL"),
              postgresql_where=text("revoked_at IS NULL AND superseded_by_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(36), unique=True)  # UUID in public URLs
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    tier_slug: Mapped[str] = mapped_column(String(80))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credential: Mapped[dict[str, Any]] = mapped_column(JSONType)
    jwt: Mapped[str] = mapped_column(Text)
    key_id: Mapped[str] = mapped_column(String(120))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revocation_reason: Mapped[str | None] = mapped_column(Text)
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
