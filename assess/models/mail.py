"""Outgoing mail: one row per message, written in the transaction of the change it reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime

MAIL_STATUSES = ("pending", "sent", "failed")


class MailMessage(db.Model):
    """Pending until sent, or failed after the last try. A sender claims it by moving
    ``next_try_at`` past its try's timeout in a conditional UPDATE (``mail_delivery``)."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        CheckConstraint(f"status IN {MAIL_STATUSES!r}", name="status_known"),
        Index("ix_mail_messages_due", "status", "next_try_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # also in its Message-ID
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    template: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    tries: Mapped[int] = mapped_column(default=0)
    next_try_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
