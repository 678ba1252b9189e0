"""Certificates: signed Open Badges 3.0 credentials, with revocation published in status
lists."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
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


class StatusList(db.Model):
    """A W3C Bitstring Status List the issuer publishes. Its bits are not stored: bit i is
    set when the certificate given index i is revoked, so the published list is rebuilt
    from the certificates whenever ``revision`` (bumped by every revocation, in the same
    transaction) moves past the revision the stored credential was signed at."""

    __tablename__ = "status_lists"

    id: Mapped[int] = mapped_column(primary_key=True)  # in the list's public URL
    purpose: Mapped[str] = mapped_column(String(20))  # "revocation"
    size: Mapped[int] = mapped_column()  # entries (bits)
    allocated: Mapped[int] = mapped_column(default=0)
    revision: Mapped[int] = mapped_column(default=0)
    signed_revision: Mapped[int | None] = mapped_column()
    credential: Mapped[dict[str, Any] | None] = mapped_column(JSONType)  # the signed list
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def stale(self) -> bool:
        return self.credential is None or self.signed_revision != self.revision


class StatusEntry(db.Model):
    """The index a certificate was given, at random, in a status list."""

    __tablename__ = "status_entries"
    __table_args__ = (UniqueConstraint("status_list_id", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    status_index: Mapped[int] = mapped_column()
    # The app never deletes certificates; should someone, the entry goes with it.
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"),
                                                unique=True)
