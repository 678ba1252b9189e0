"""Sending webhooks: claim a due delivery, sign it (Standard Webhooks), POST it, record what
came back, and schedule the next try.

At least once: a delivery is claimed by a conditional UPDATE that moves its next try past
the request's timeout, so two workers never send it at the same time, yet one that a killed
worker left half-sent is due again once that claim runs out. Receivers dedupe on
``webhook-id``. Retries back off over about three days (``RETRY_DELAYS``); a ``410 Gone``
disables the endpoint. Nothing is sent to a private, loopback, link-local or otherwise
non-public address unless ``WEBHOOK_ALLOWED_HOSTS`` names the host or its network.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import httpx
from sqlalchemy import select, update
from standardwebhooks.webhooks import Webhook

from ..extensions import db
from ..models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from ..settings import settings

log = logging.getLogger(__name__)

# After the first try: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, 14 h, 14 h, 14 h (11 tries,
# the last about 2 days 22 hours after the first); then the delivery has failed.
RETRY_DELAYS = tuple(timedelta(seconds=s) for s in (
    5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600, 14 * 3600, 14 * 3600,
    14 * 3600))
CLAIM_MARGIN = timedelta(seconds=5)
USER_AGENT = "assess-webhooks/1"


class Refused(Exception):
    """The destination is not one assess sends to."""


def retry_delay(tries_made: int) -> timedelta | None:
    """How long after the ``tries_made``-th failed try the next one is due (None: give up)."""
    return RETRY_DELAYS[tries_made - 1] if 1 <= tries_made <= len(RETRY_DELAYS) else None


# ---- where we send ---------------------------------------------------------------------------

def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _allowed(host: str, addresses: list, allowed: tuple[str, ...]) -> bool:
    names = {entry.lower().rstrip(".") for entry in allowed}
    if host.lower().rstrip(".") in names:
        return True
    networks = []
    for entry in allowed:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # a host name
    return bool(networks) and all(any(a in n for n in networks if a.version == n.version)
                                  for a in addresses)


def check_destination(url: str, allowed: tuple[str, ...]) -> None:
    """Refuse a URL that is not http(s), or whose host resolves to any non-public address
    (every address is checked) unless ``allowed`` lists the host, the address or its
    network."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("only http and https URLs with a host are sent to")
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"{host} does not resolve: {exc}") from None
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if all(_is_public(a) for a in addresses) or _allowed(host, addresses, allowed):
        return
    raise Refused(f"{host} resolves to a non-public address "
                  f"({', '.join(sorted({str(a) for a in addresses}))}); list it in "
                  "WEBHOOK_ALLOWED_HOSTS to allow it")


# ---- signing ---------------------------------------------------------------------------------

def signature(endpoint: WebhookEndpoint, msg_id: str, sent_at: datetime, body: bytes,
              now: datetime) -> str:
    """The ``webhook-signature`` header: signed with the current secret, and also with the
    previous one while a rotation's overlap lasts (receivers accept either)."""
    secrets_in_use = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and \
            endpoint.previous_secret_until > now:
        secrets_in_use.append(endpoint.previous_secret)
    return " ".join(Webhook(secret).sign(msg_id, sent_at, body) for secret in secrets_in_use)


def signed_request(endpoint: WebhookEndpoint, event: OutboxEvent,
                   now: datetime) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(event.payload, separators=(",", ":"), sort_keys=True).encode()
    # Receivers check the timestamp against their own clock: the wall clock, not ``now``.
    sent_at = datetime.now(timezone.utc)
    return body, {"content-type": "application/json", "user-agent": USER_AGENT,
                  "webhook-id": event.id, "webhook-timestamp": str(int(sent_at.timestamp())),
                  "webhook-signature": signature(endpoint, event.id, sent_at, body, now)}


# ---- one try ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def claim(delivery_id: int, now: datetime) -> int | None:
    """Take the delivery for one try if it is pending and due: the try's number, or None when
    another worker has it (or it is not due, or done). Commits the claim."""
    # The timeout bounds connecting, sending and reading each: a claim outlives all three.
    until = now + 3 * timedelta(seconds=settings().webhook_timeout_seconds) + CLAIM_MARGIN
    claimed = db.session.execute(
        update(WebhookDelivery).where(WebhookDelivery.id == delivery_id,
                                      WebhookDelivery.status == "pending",
                                      WebhookDelivery.next_attempt_at <= now)
        .values(attempts=WebhookDelivery.attempts + 1, next_attempt_at=until)
        .execution_options(synchronize_session=False)).rowcount
    tries = db.session.scalar(select(WebhookDelivery.attempts)
                              .where(WebhookDelivery.id == delivery_id)) if claimed else None
    db.session.commit()
    return tries


def send(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    current = settings()
    try:
        check_destination(url, current.webhook_allowed_hosts)
        with httpx.Client(timeout=current.webhook_timeout_seconds, follow_redirects=False,
                          trust_env=False) as client:
            answer = client.post(url, content=body, headers=headers)
    except Refused as exc:
        return Outcome(None, f"refused: {exc}")
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:1000])
    return Outcome(answer.status_code, None if 200 <= answer.status_code < 300
                   else f"HTTP {answer.status_code}")


def deliver(delivery_id: int, now: datetime) -> Outcome | None:
    """One try of one delivery, if it is due and this worker claims it."""
    tries = claim(delivery_id, now)
    if tries is None:
        return None
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.enabled:
        outcome = Outcome(None, f"endpoint disabled: {endpoint.disabled_reason or ''}".strip())
        _record(delivery_id, tries, outcome, now, final=True)
        return outcome
    url, (body, headers) = endpoint.url, signed_request(endpoint, delivery.event, now)
    db.session.rollback()  # no transaction stays open while the receiver answers
    outcome = send(url, body, headers)
    _record(delivery_id, tries, outcome, now)
    return outcome


def _record(delivery_id: int, tries: int, outcome: Outcome, now: datetime, *,
            final: bool = False) -> None:
    delay = None if final or outcome.delivered else retry_delay(tries)
    values = dict(last_status_code=outcome.status_code, last_error=outcome.error)
    if outcome.delivered:
        values.update(status="delivered", delivered_at=now)
    elif delay is None or outcome.status_code == 410:
        values.update(status="failed")
    else:
        values.update(next_attempt_at=now + delay)
    db.session.execute(update(WebhookDelivery).where(
        WebhookDelivery.id == delivery_id, WebhookDelivery.attempts == tries,
        WebhookDelivery.status == "pending").values(**values)
        .execution_options(synchronize_session=False))
    if outcome.status_code == 410:
        endpoint_id = select(WebhookDelivery.endpoint_id).where(
            WebhookDelivery.id == delivery_id).scalar_subquery()
        db.session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
                           .values(enabled=False, disabled_reason="the receiver answered "
                                   f"410 Gone on {now.date().isoformat()}")
                           .execution_options(synchronize_session=False))
    db.session.commit()
    if not outcome.delivered:
        log.info("Webhook delivery %s, try %s: %s", delivery_id, tries, outcome.error)


# ---- batches ---------------------------------------------------------------------------------

def _due(now: datetime, *conditions) -> list[int]:
    found = db.session.scalars(select(WebhookDelivery.id).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
        *conditions).order_by(WebhookDelivery.id).limit(500)).all()
    db.session.rollback()
    return list(found)


def deliver_event(event_id: str, now: datetime) -> int:
    """Send the due deliveries of one event (the job queued after its commit)."""
    return sum(deliver(i, now) is not None
               for i in _due(now, WebhookDelivery.event_id == event_id))


def deliver_all_due(now: datetime) -> int:
    """Send every due delivery, oldest first (the minute's sweep); how many were tried."""
    return sum(deliver(i, now) is not None for i in _due(now))
