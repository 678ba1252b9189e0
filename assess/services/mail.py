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
from typing import Any, Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..extensions import db
from ..models import MailMessage
from ..settings import settings
from . import after_commit

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PRODUCT_NAME = "assess"

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
    # in immediate mode (the tests) the job sends it at the commit, in a session of its own
    after_commit.enqueue("send_mail", message.id)


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


def look_up_in_job(job_name: str, email: str, now: datetime, links: Any,
                   run_here: Callable[..., None]) -> None:
    """Queue the job ``job_name`` that looks ``email`` up and mails its account (a reset or a
    confirmation link), so that the request takes as long whatever the address; when the queue
    is out of reach, ``run_here`` does it in this request instead."""
    from ..jobs import tasks  # the jobs import the services
    try:
        getattr(tasks, job_name).enqueue(email, now, links)
    except Exception:  # noqa: BLE001 - do it here rather than not at all
        logging.getLogger(__name__).exception("Could not queue %s", job_name)
        run_here(email, now=now, links=links)
