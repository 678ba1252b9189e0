"""Idempotency keys for the API's POSTs: the same key with the same request is answered
with the first answer, replayed; the same key with another request is refused.

The record is written in the transaction of the work it answers, so a request either did
its work and left its answer, or did neither. Two requests racing with one key: the one that
commits second breaks the unique (key, Idempotency-Key) constraint, rolls back and replays
the winner's answer. Records are kept for a day, per API key.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import IdempotencyRecord
from . import ServiceError

KEPT_FOR = timedelta(hours=24)
MAX_KEY = 255


@dataclass(frozen=True)
class Idempotency:
    api_key_id: int
    key: str
    fingerprint: str  # of the request: method, path and body


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def of_request(api_key_id: int, key: str | None, method: str, path: str,
               body: bytes) -> Idempotency | None:
    """None when the request carries no key."""
    if key is None:
        return None
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable() or not key.isascii():
        raise ServiceError(f"An Idempotency-Key is 1 to {MAX_KEY} printable ASCII characters.",
                           field="Idempotency-Key")
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), body):
        digest.update(len(part).to_bytes(8, "big") + part)
    return Idempotency(api_key_id, key, digest.hexdigest())


def replay(idempotency: Idempotency | None, now: datetime) -> Reply | None:
    """The stored answer to this key, if it is still kept; ``idempotency_conflict`` when the
    key was used for a different request."""
    if idempotency is None:
        return None
    found = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.api_key_id == idempotency.api_key_id,
        IdempotencyRecord.key == idempotency.key,
        IdempotencyRecord.created_at > now - KEPT_FOR))
    if found is None:
        return None
    if found.fingerprint != idempotency.fingerprint:
        raise ServiceError("This Idempotency-Key was already used for a different request.",
                           code="idempotency_conflict", field="Idempotency-Key")
    return Reply(found.status, found.body, replayed=True)


def commit_with(idempotency: Idempotency | None, reply: Reply, now: datetime) -> Reply:
    """Commit the work done in the session together with its answer's record."""
    if idempotency is None:
        db.session.commit()
        return reply
    db.session.execute(delete(IdempotencyRecord).where(
        IdempotencyRecord.api_key_id == idempotency.api_key_id,
        IdempotencyRecord.created_at <= now - KEPT_FOR))
    db.session.add(IdempotencyRecord(
        api_key_id=idempotency.api_key_id, key=idempotency.key,
        fingerprint=idempotency.fingerprint, status=reply.status, body=reply.body,
        created_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        winner = replay(idempotency, now)
        if winner is None:
            raise
        return winner
    return reply
