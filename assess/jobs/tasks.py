"""What the job runner runs: one function per job, each calling one use case.

Adding a job (an outbox delivery, say) is one function here: ``@job`` for work a service
enqueues after its commit (``tasks.name.enqueue(ids…)``), ``@periodic`` for work the worker's
scheduler runs every minute. The services lock what they change and are idempotent, so any
job may run twice (a worker that died mid-job has its jobs run again) and the periodic ones
catch up on whatever a lost or failed job left undone.
"""
from __future__ import annotations

import logging
from datetime import datetime

from .. import clock
from ..services import (
    attempts,
    certificates,
    email_addresses,
    mail_delivery,
    password_reset,
    scoring,
    webhook_delivery,
)
from ..services.locks import BatchRun
from ..services.signed_links import Links
from . import job, periodic

log = logging.getLogger(__name__)


@job
def issue_certificate(attempt_id: int, now: datetime) -> None:
    """Sign the certificate that a committed score made due (``certificates.issue_soon``)."""
    certificates.issue_due(attempt_id, now)


@job
def deliver_webhook_event(event_id: str) -> None:
    """Send a committed outbox event to its endpoints (``outbox``; one try each)."""
    webhook_delivery.deliver_event(event_id, clock.now())


@periodic
def deliver_due_webhooks() -> None:
    """Send the webhook deliveries that are due: retries, and any a lost job left."""
    tried = webhook_delivery.deliver_all_due(clock.now())
    if tried:
        log.info("Tried %d webhook deliveries", tried)


@job
def send_mail(message_id: str) -> None:
    """Send a committed mail message (``mail``; one try)."""
    mail_delivery.send(message_id, clock.now())


@job
def mail_reset_link(email: str, now: datetime, links: Links) -> None:
    """Mail a password reset link, if the address has an account (``ask_for_reset``)."""
    password_reset.request_reset(email, now=now, links=links)


@job
def mail_confirmation_link(email: str, now: datetime, links: Links) -> None:
    """Mail a new confirmation link, if the address's account awaits one."""
    email_addresses.resend_confirmation(email, now=now, links=links)


@periodic
def send_due_mail() -> None:
    """Send the mail that is due: retries, and any a lost job left."""
    sent = mail_delivery.send_all_due(clock.now())
    if sent:
        log.info("Sent %d mail message(s)", sent)


@periodic
def finalise_expired_attempts() -> None:
    """Close the timed attempts whose deadline and grace have passed."""
    _log_run("Finalised", attempts.finalise_all_expired(clock.now()))


@periodic
def repair_scores() -> None:
    """Score finished attempts whose grading is complete but which were never scored."""
    _log_run("Scored", scoring.repair(clock.now()))


@periodic
def issue_due_certificates() -> None:
    """Sign every certificate still due (a signing failure, or a job that was lost)."""
    run = certificates.issue_all_due(clock.now())
    if run.issued or run.failed:
        log.info("Issued %d certificate(s); %d still failing", run.issued, len(run.failed))


def _log_run(done: str, run: BatchRun) -> None:
    if run.done or run.failed:  # each failure was logged with its traceback where it happened
        log.info("%s %d attempt(s); %d failed", done, len(run.done), len(run.failed))
