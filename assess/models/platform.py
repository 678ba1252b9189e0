"""Platforms that integrate over the API: their keys, the candidates they invited and link to
their own worker ids, and what their POSTs answered (replayed for a repeated Idempotency-Key)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import JSONType, UTCDateTime

SCOPES = ("assessments:read", "invitations:write", "results:read", "certificates:read",
          "webhooks:manage")


class Platform(db.Model):
    __tablename__ = "platforms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    contact_email: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    keys: Mapped[list[ApiKey]] = relationship(back_populates="platform", order_by="ApiKey.id")


class ApiKey(db.Model):
    """A bearer key ``<prefix>_<secret>``: the prefix is public (lists, logs, rate limits), the
    secret is kept only as its SHA-256. ``revoked_at`` may lie in the future: a rotated key
    keeps working until the overlap ends."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSONType)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("api_keys.id"))

    platform: Mapped[Platform] = relationship(back_populates="keys")


class PlatformCandidate(db.Model):
    """A person as a platform knows them: its own worker id for one of our users."""

    __tablename__ = "platform_candidates"
    __table_args__ = (UniqueConstraint("platform_id", "external_id"),
                      UniqueConstraint("platform_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"))
    external_id: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Invitation(db.Model):
    """A one-time link: the token is in the link only, the database keeps its SHA-256."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platforms.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    external_id: Mapped[str] = mapped_column(String(200))
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    platform: Mapped[Platform] = relationship()
    assessment = relationship("Assessment")


class IdempotencyRecord(db.Model):
    """What a POST with an Idempotency-Key answered, per API key, for a day."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("api_key_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and body
    status: Mapped[int]
    body: Mapped[dict[str, Any]] = mapped_column(JSONType)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
