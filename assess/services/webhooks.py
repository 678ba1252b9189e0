"""A platform's webhook endpoints over the API: register (the signing secret is shown once),
list, change, rotate the secret, delete, ping, and read or replay deliveries. Every call sees
only the caller's platform's endpoints; another's is ``not_found``."""
from __future__ import annotations

import base64
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, select

from ..extensions import db
from ..models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from . import ServiceError, outbox, paging
from .api_keys import Caller
from .idempotency import Idempotency, Reply, commit_with, replay

SECRET_OVERLAP = timedelta(hours=24)  # the previous secret also signs for this long
MAX_URL = 2000


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def endpoint_json(endpoint: WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    return {"id": endpoint.id, "url": endpoint.url, "events": list(endpoint.events),
            "enabled": endpoint.enabled, "disabled_reason": endpoint.disabled_reason,
            "created_at": outbox.iso(endpoint.created_at),
            "previous_secret_until": outbox.iso(endpoint.previous_secret_until),
            "secret": secret}


def delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    return {"id": delivery.id, "event_id": delivery.event_id, "event_type": delivery.event.type,
            "endpoint_id": delivery.endpoint_id, "status": delivery.status,
            "attempts": delivery.attempts,
            "next_attempt_at": outbox.iso(delivery.next_attempt_at)
            if delivery.status == "pending" else None,
            "last_status_code": delivery.last_status_code, "last_error": delivery.last_error,
            "delivered_at": outbox.iso(delivery.delivered_at),
            "created_at": outbox.iso(delivery.created_at)}


def _checked_url(url: str) -> str:
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > MAX_URL or parts.scheme not in ("http", "https") or not parts.hostname \
            or parts.username or parts.password or parts.fragment:
        raise ServiceError("url must be an http or https URL with a host, without credentials "
                           f"or fragment, of at most {MAX_URL} characters.", field="url")
    return url


def _checked_events(events: list[str]) -> list[str]:
    unknown = [name for name in events if name not in outbox.EVENT_TYPES]
    if not events or unknown:
        raise ServiceError(f"events is a non-empty list of {', '.join(outbox.EVENT_TYPES)}.",
                           field="events")
    return list(dict.fromkeys(events))


def _own(caller: Caller, endpoint_id: int) -> WebhookEndpoint:
    found = db.session.get(WebhookEndpoint, endpoint_id)
    if found is None or found.platform_id != caller.platform_id:
        raise ServiceError("No such webhook endpoint.", code="not_found")
    return found


def create(caller: Caller, url: str, events: list[str], now: datetime,
           idempotency: Idempotency | None = None) -> Reply:
    if (replayed := replay(idempotency, now)) is not None:
        return replayed
    secret = new_secret()
    endpoint = WebhookEndpoint(platform_id=caller.platform_id, url=_checked_url(url),
                               events=_checked_events(events), secret=secret, enabled=True,
                               created_at=now)
    db.session.add(endpoint)
    db.session.flush()
    return commit_with(idempotency, Reply(201, endpoint_json(endpoint, secret)), now)


def listing(caller: Caller) -> list[dict[str, Any]]:
    return [endpoint_json(e) for e in db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.platform_id == caller.platform_id).order_by(WebhookEndpoint.id))]


def change(caller: Caller, endpoint_id: int, *, url: str | None = None,
           events: list[str] | None = None, enabled: bool | None = None) -> dict[str, Any]:
    """Change the URL or the events, or enable it again (also after a 410) or disable it."""
    endpoint = _own(caller, endpoint_id)
    if url is not None:
        endpoint.url = _checked_url(url)
    if events is not None:
        endpoint.events = _checked_events(events)
    if enabled is not None:
        endpoint.enabled = enabled
        endpoint.disabled_reason = None if enabled else "disabled by the platform"
    body = endpoint_json(endpoint)
    db.session.commit()
    return body


def rotate_secret(caller: Caller, endpoint_id: int, now: datetime,
                  idempotency: Idempotency | None = None) -> Reply:
    """A new secret, shown once; the old one also signs for ``SECRET_OVERLAP``."""
    if (replayed := replay(idempotency, now)) is not None:
        return replayed
    endpoint = _own(caller, endpoint_id)
    secret = new_secret()
    endpoint.previous_secret, endpoint.previous_secret_until = endpoint.secret, \
        now + SECRET_OVERLAP
    endpoint.secret = secret
    return commit_with(idempotency, Reply(200, endpoint_json(endpoint, secret)), now)


def remove(caller: Caller, endpoint_id: int) -> None:
    endpoint = _own(caller, endpoint_id)
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.delete(endpoint)
    db.session.commit()


def ping(caller: Caller, endpoint_id: int, now: datetime,
         idempotency: Idempotency | None = None) -> Reply:
    """Send a ``webhook.test`` event to this endpoint alone."""
    if (replayed := replay(idempotency, now)) is not None:
        return replayed
    endpoint = _own(caller, endpoint_id)
    if not endpoint.enabled:
        raise ServiceError("This endpoint is disabled: enable it first.",
                           code="endpoint_disabled")
    event_id = outbox.emit(caller.platform_id, outbox.TEST_EVENT,
                           {"endpoint_id": endpoint.id}, now, endpoint=endpoint)
    return commit_with(idempotency, Reply(202, {"event_id": event_id}), now)


def deliveries(caller: Caller, endpoint_id: int, *, cursor: str | None = None,
               limit: int | None = None) -> paging.Page:
    """The endpoint's deliveries, oldest first, a page at a time."""
    endpoint, limit = _own(caller, endpoint_id), paging.checked_limit(limit)
    found = db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint.id,
        WebhookDelivery.id > paging.decode(cursor)).order_by(WebhookDelivery.id)
        .limit(limit + 1)).all()
    return paging.page_of([(d.id, delivery_json(d)) for d in found], limit)


def replay_delivery(caller: Caller, delivery_id: int, now: datetime,
                    idempotency: Idempotency | None = None) -> Reply:
    """Send a delivery again, whatever became of it, with a fresh schedule of retries."""
    if (replayed := replay(idempotency, now)) is not None:
        return replayed
    delivery = db.session.scalar(select(WebhookDelivery).join(OutboxEvent).where(
        WebhookDelivery.id == delivery_id, OutboxEvent.platform_id == caller.platform_id))
    if delivery is None:
        raise ServiceError("No such webhook delivery.", code="not_found")
    if not delivery.endpoint.enabled:
        raise ServiceError("Its endpoint is disabled: enable it first.",
                           code="endpoint_disabled")
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
    delivery.delivered_at = None
    outbox.queue_after_commit(delivery.event_id)
    return commit_with(idempotency, Reply(202, delivery_json(delivery)), now)
