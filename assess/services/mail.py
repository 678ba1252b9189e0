"""Outgoing mail, queued in the transaction of the change it reports.

``queue`` renders a message from ``templates/mail/<template>.txt`` (first line
``Subject: …``, a blank line, then the plain body) and ``<template>.html`` (the HTML part,
extending ``mail/base.html``, autoescaped) and adds it to ``mail_messages`` in the caller's
transaction: the caller's one commit makes it real, a rollback forgets it. Once the
transaction commits, a job sends each new message (``mail_delivery``); the minute's sweep
sends whatever a lost job or a failed try left due.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import MailMessage
from ..settings import available as settings_available
from ..settings import settings

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PRODUCT_NAME = "assess"
_QUEUED = "assess.mail.queued"  # session.info key: ids of messages to send after the commit

_environment = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                           autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


def queue(to: str, template: str, context: dict, *, now: datetime) -> None:
    """Add a message to ``to`` in the current transaction; it is sent after the commit."""
    if "\r" in to or "\n" in to or "@" not in to:
        raise ValueError(f"not a mail address: {to!r}")
    subject, text, html = render(template, context)
    message = MailMessage(id=secrets.token_hex(16), recipient=to.strip(), subject=subject,
                          text_body=text, html_body=html, template=template, status="pending",
                          tries=0, next_try_at=now, created_at=now)
    db.session.add(message)
    db.session.info.setdefault(_QUEUED, []).append(message.id)


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, plain body, HTML body) of a mail template."""
    values = {"public_url": settings().public_url, "product_name": PRODUCT_NAME, **context}
    plain = _environment.get_template(f"mail/{template}.txt").render(values)
    head, _, body = plain.partition("\n\n")
    if not head.startswith("Subject:") or "\n" in head.strip():
        raise ValueError(f"mail/{template}.txt must start with one 'Subject: …' line and a "
                         "blank line")
    subject = head.removeprefix("Subject:").strip()
    html = _environment.get_template(f"mail/{template}.html").render(
        {**values, "subject": subject})
    return subject, body.strip() + "\n", html


@event.listens_for(Session, "after_commit")
def _send_after_commit(session: Session) -> None:
    queued = session.info.pop(_QUEUED, None)
    if not queued or not settings_available():
        return
    from ..jobs.tasks import send_mail  # the jobs import the services
    for message_id in queued:
        try:  # in immediate mode (the tests) the job sends it here, in a session of its own
            send_mail.enqueue(message_id)
        except Exception:  # noqa: BLE001 - committed: the minute's sweep sends it anyway
            log.exception("Could not queue mail message %s", message_id)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_QUEUED, None)
