"""Sending queued mail: claim a due message, build it, hand it to SMTP (or write it to the
mail folder), record the outcome and schedule the next try.

A message is claimed by a conditional UPDATE that moves its next try past the try's timeout,
so two senders never send it at once; a sender that dies mid-send leaves it due again once
that claim runs out (at least once). Retries back off (``RETRY_DELAYS``); after the last the
message has failed, which is logged. Sending runs in a database session of its own, never the
caller's: the job that sends a message may run inside the commit that queued it.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import MailMessage
from ..settings import Settings, settings

log = logging.getLogger(__name__)

# After the first try: 1 min, 5 min, 30 min, 2 h, 6 h (6 tries over about 9 hours).
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 30, 120, 360))
MAX_TRIES = len(RETRY_DELAYS) + 1
CLAIM_MARGIN = timedelta(seconds=5)
SWEEP_BATCH = 100


def retry_delay(tries_made: int) -> timedelta | None:
    """How long after the ``tries_made``-th failed try the next is due (None: give up)."""
    return RETRY_DELAYS[tries_made - 1] if 1 <= tries_made <= len(RETRY_DELAYS) else None


def build(message: MailMessage, current: Settings) -> EmailMessage:
    """The message as sent: plain text with an HTML alternative."""
    email = EmailMessage()
    email["From"] = current.mail_from
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = parseaddr(current.mail_from)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<{message.id}@{domain}>"  # the same on every try: receivers dedupe
    email.set_content(message.text_body, cte=_encoding(message.text_body))
    email.add_alternative(message.html_body, subtype="html",
                          cte=_encoding(message.html_body))
    return email


def _encoding(body: str) -> str:
    """7bit keeps a plain ASCII body as written, links whole (quoted-printable would cut a long
    link with soft line breaks, which someone reading a .eml file copies with it)."""
    fits = body.isascii() and all(len(line) <= 998 for line in body.splitlines())
    return "7bit" if fits else "quoted-printable"


def transmit(email: EmailMessage, current: Settings) -> None:
    """Hand the message over: SMTP when MAIL_SERVER is set, else a .eml file."""
    if not current.mail_server:
        write_to_folder(email, current.mail_folder)
        return
    timeout = current.mail_timeout_seconds
    if current.mail_security == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(current.mail_server, current.mail_port,
                                              timeout=timeout,
                                              context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(current.mail_server, current.mail_port, timeout=timeout)
    with smtp:
        if current.mail_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if current.mail_username:
            smtp.login(current.mail_username, current.mail_password or "")
        smtp.send_message(email)


def write_to_folder(email: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = email["Message-ID"].strip("<>").partition("@")[0]
    path = folder / f"{name}.eml"
    partial = path.with_suffix(".eml.part")
    partial.write_bytes(bytes(email))
    partial.replace(path)  # a reader never sees half a message
    return path


def claim(session: Session, message_id: str, now: datetime) -> MailMessage | None:
    """Take the message for one try if it is pending and due (committed), else None."""
    # The timeout bounds connecting and each SMTP command: a claim outlives a whole try.
    until = now + 6 * timedelta(seconds=settings().mail_timeout_seconds) + CLAIM_MARGIN
    claimed = session.execute(
        update(MailMessage).where(MailMessage.id == message_id,
                                  MailMessage.status == "pending",
                                  MailMessage.next_try_at <= now)
        .values(tries=MailMessage.tries + 1, next_try_at=until)
        .execution_options(synchronize_session=False)).rowcount
    session.commit()
    return session.get(MailMessage, message_id) if claimed else None


def send(message_id: str, now: datetime) -> bool:
    """One try at a message, if it is due and no one else has it; whether it went out."""
    current = settings()
    with Session(db.engine) as session:
        message = claim(session, message_id, now)
        if message is None:
            return False
        try:
            transmit(build(message, current), current)
        except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried
            _failed(message, f"{type(exc).__name__}: {exc}", now)
            session.commit()
            return False
        message.status, message.sent_at, message.last_error = "sent", now, None
        session.commit()
        return True


def _failed(message: MailMessage, error: str, now: datetime) -> None:
    message.last_error = error[:2000]
    delay = retry_delay(message.tries)
    if delay is None:
        message.status = "failed"
        log.error("Gave up on mail %s to %s (%s) after %d tries: %s", message.id,
                  message.recipient, message.template, message.tries, error)
    else:
        message.next_try_at = now + delay
        log.warning("Mail %s to %s failed (try %d), next at %s: %s", message.id,
                    message.recipient, message.tries, message.next_try_at.isoformat(), error)


def due_ids(now: datetime, limit: int = SWEEP_BATCH) -> list[str]:
    with Session(db.engine) as session:
        return list(session.scalars(
            select(MailMessage.id).where(MailMessage.status == "pending",
                                         MailMessage.next_try_at <= now)
            .order_by(MailMessage.next_try_at, MailMessage.id).limit(limit)))


def send_all_due(now: datetime) -> int:
    """Try every message that is due (retries, and any a lost job left); how many went out."""
    return sum(send(message_id, now) for message_id in due_ids(now))
