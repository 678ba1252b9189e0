"""The webhook outbox: events written in the transaction of the change they report.

A use case calls ``record`` at the point of change, before its one commit, so the event
exists exactly when the change does. An event concerns one person and goes only to the
platforms that person is linked to (``PlatformCandidate``), each under its own worker id,
with one delivery per enabled endpoint of that platform subscribed to the event's type.
Once the transaction commits, each new event is queued for delivery (``webhook_delivery``);
the minute's sweep sends whatever a lost job or a retry left due.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import (
    Assessment,
    Attempt,
    Certificate,
    OutboxEvent,
    PlatformCandidate,
    WebhookDelivery,
    WebhookEndpoint,
)
from . import after_commit

EVENT_TYPES = ("invitation.accepted", "attempt.submitted", "attempt.scored",
               "certificate.issued", "certificate.revoked", "appeal.decided")
TEST_EVENT = "webhook.test"


def new_event_id() -> str:
    return "msg_" + secrets.token_hex(16)


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.isoformat().replace("+00:00", "Z")


def record(event_type: str, subject: Attempt | int, data: dict[str, Any],
           now: datetime) -> list[str]:
    """Write ``event_type`` about an attempt (or a user id) for every platform its person is
    linked to; the ids of the events written (none for a person no platform invited)."""
    user_id = subject.user_id if isinstance(subject, Attempt) else subject
    links = db.session.scalars(select(PlatformCandidate).where(
        PlatformCandidate.user_id == user_id).order_by(PlatformCandidate.id)).all()
    return [emit(link.platform_id, event_type, {"external_id": link.external_id, **data}, now)
            for link in links]


def emit(platform_id: int, event_type: str, data: dict[str, Any], now: datetime,
         endpoint: WebhookEndpoint | None = None) -> str:
    """One event for one platform, with a delivery to each of its subscribed endpoints (or to
    ``endpoint`` only: a test ping)."""
    found = OutboxEvent(id=new_event_id(), platform_id=platform_id, type=event_type,
                        payload={"type": event_type, "timestamp": iso(now), "data": data},
                        created_at=now)
    db.session.add(found)
    targets = [endpoint] if endpoint is not None else [
        candidate for candidate in db.session.scalars(select(WebhookEndpoint).where(
            WebhookEndpoint.platform_id == platform_id, WebhookEndpoint.enabled.is_(True))
            .order_by(WebhookEndpoint.id))
        if event_type in candidate.events]
    for target in targets:
        db.session.add(WebhookDelivery(event_id=found.id, endpoint_id=target.id, attempts=0,
                                       next_attempt_at=now, status="pending", created_at=now))
    if targets:
        queue_after_commit(found.id)
    return found.id


def queue_after_commit(event_id: str) -> None:
    """Queue the event's delivery once the current transaction commits (not if it rolls
    back)."""
    # immediate mode (the tests): the sweep job, called by the test, sends them
    after_commit.enqueue("deliver_webhook_event", event_id, in_immediate_mode=False)


def attempt_data(attempt: Attempt) -> dict[str, Any]:
    """An attempt as the events carry it: its tier with name and rank as the API reports
    them (the latest version's wording)."""
    from .platform_results import tier_json, tier_table  # it imports what imports this module
    tier = tier_json(tier_table({attempt.assessment_id}), attempt.assessment_id,
                     attempt.tier_slug)
    return {"attempt_id": attempt.id, "assessment": attempt.assessment.slug,
            "assessment_version": attempt.assessment_version.version,
            "number": attempt.number, "status": attempt.status, "score": attempt.score,
            "skills": dict(sorted((attempt.sub_scores or {}).items())), "tier": tier,
            "submitted_at": iso(attempt.submitted_at), "scored_at": iso(attempt.scored_at)}


def certificate_data(certificate: Certificate, url: str) -> dict[str, Any]:
    from .platform_results import tier_json, tier_table
    assessment = db.session.get(Assessment, certificate.assessment_id)
    return {"certificate_id": certificate.public_id, "attempt_id": certificate.attempt_id,
            "assessment": assessment.slug if assessment else None,
            "tier": tier_json(tier_table({certificate.assessment_id}),
                              certificate.assessment_id, certificate.tier_slug),
            "valid_from": iso(certificate.valid_from),
            "valid_until": iso(certificate.valid_until), "url": url}
