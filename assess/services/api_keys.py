"""API keys: creating, rotating and revoking them, and authenticating a bearer key.

A key reads ``ak_live_<8 characters>_<secret>``. The first 16 characters are its public prefix,
stored as is and shown in lists; the secret (32 random bytes) is stored only as its SHA-256:
a fast hash is enough for a secret that high in entropy, and it keeps every request cheap.
The full key is returned once, when it is made.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import SCOPES, ApiKey, Platform
from . import ServiceError

PREFIX_START = "ak_live_"
PREFIX_LENGTH = len(PREFIX_START) + 8
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
LAST_USED_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often
MAX_OVERLAP = timedelta(days=7)
MAX_NOTE = 500


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    secret: str  # the full key, shown once


@dataclass(frozen=True)
class Caller:
    """Who is calling the API: plain values, safe to keep after a commit."""
    key_id: int
    platform_id: int
    prefix: str
    scopes: frozenset[str]


def status_of(key: ApiKey, now: datetime) -> str:
    """active | expiring (rotated, still working until ``revoked_at``) | revoked."""
    if key.revoked_at is None:
        return "active"
    return "expiring" if key.revoked_at > now else "revoked"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = PREFIX_START + "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(8))
        if db.session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            return prefix


def _checked_scopes(scopes: list[str] | tuple[str, ...]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ServiceError(f"Unknown scope(s) {', '.join(unknown)}; scopes are "
                           f"{', '.join(SCOPES)}.", field="scopes")
    if not scopes:
        raise ServiceError("Give the key at least one scope.", field="scopes")
    return [scope for scope in SCOPES if scope in scopes]


def _add_key(platform_id: int, scopes: list[str], note: str, now: datetime) -> IssuedKey:
    secret = secrets.token_urlsafe(32)
    key = ApiKey(platform_id=platform_id, prefix=_new_prefix(), secret_hash=_hash(secret),
                 scopes=scopes, note=note, created_at=now)
    db.session.add(key)
    db.session.flush()
    return IssuedKey(key, f"{key.prefix}_{secret}")


def create_key(platform_id: int, scopes: list[str] | tuple[str, ...], note: str,
               now: datetime) -> IssuedKey:
    if db.session.get(Platform, platform_id) is None:
        raise ServiceError("No such platform.", code="not_found")
    note = (note or "").strip()
    if len(note) > MAX_NOTE or not note.isprintable():
        raise ServiceError(f"Keep the note to one line under {MAX_NOTE} characters.",
                           field="note")
    issued = _add_key(platform_id, _checked_scopes(scopes), note, now)
    db.session.commit()
    return issued


def rotate(key_id: int, now: datetime, overlap: timedelta = timedelta(0)) -> IssuedKey:
    """A new key with the same scopes and note; the old one stops working after ``overlap``
    (at once for none), so the platform can deploy the new one first."""
    old = key(key_id)
    if status_of(old, now) != "active":
        raise ServiceError("This key is already revoked or being rotated.",
                           code="already_revoked")
    if not timedelta(0) <= overlap <= MAX_OVERLAP:
        raise ServiceError("The overlap must be between 0 and 7 days.", field="overlap")
    issued = _add_key(old.platform_id, list(old.scopes), old.note, now)
    old.revoked_at = now + overlap
    old.replaced_by_id = issued.key.id
    db.session.commit()
    return issued


def revoke(key_id: int, now: datetime) -> ApiKey:
    """Stop a key now (a rotated key's overlap is cut short)."""
    found = key(key_id)
    if status_of(found, now) == "revoked":
        raise ServiceError("This key is already revoked.", code="already_revoked")
    found.revoked_at = now
    db.session.commit()
    return found


def key(key_id: int) -> ApiKey:
    found = db.session.get(ApiKey, key_id)
    if found is None:
        raise ServiceError("No such API key.", code="not_found")
    return found


def key_by_prefix(prefix: str) -> ApiKey:
    found = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix.strip()[:32]))
    if found is None:
        raise ServiceError(f"No API key with prefix {prefix!r}.", code="not_found")
    return found


def keys() -> list[ApiKey]:
    """Every key with its platform, by platform then age."""
    return list(db.session.scalars(
        select(ApiKey).join(Platform).options(joinedload(ApiKey.platform))
        .order_by(Platform.name, ApiKey.id)))


def prefix_of(presented: str) -> str | None:
    """The public prefix of a well-formed key (what rate limits count by), else None."""
    presented = (presented or "").strip()
    if len(presented) < PREFIX_LENGTH + 2 or presented[PREFIX_LENGTH] != "_" \
            or not presented.startswith(PREFIX_START) \
            or not set(presented[len(PREFIX_START):PREFIX_LENGTH]) <= set(PREFIX_ALPHABET):
        return None
    return presented[:PREFIX_LENGTH]


def authenticate(presented: str, now: datetime) -> Caller:
    """The caller a bearer key stands for; ``unauthorized`` for a missing, malformed,
    unknown or revoked key (one message: which of these it was is no one's business)."""
    refused = ServiceError("A valid API key is required: Authorization: Bearer <key>.",
                           code="unauthorized")
    prefix = prefix_of(presented)
    if prefix is None:
        raise refused
    found = db.session.scalar(select(ApiKey).where(ApiKey.prefix == prefix))
    secret = presented.strip()[PREFIX_LENGTH + 1:]
    if found is None or not hmac.compare_digest(found.secret_hash, _hash(secret)) \
            or status_of(found, now) == "revoked":
        raise refused
    caller = Caller(found.id, found.platform_id, found.prefix, frozenset(found.scopes))
    if found.last_used_at is None or found.last_used_at <= now - LAST_USED_EVERY:
        _touch(found.id, now)
    return caller


def _touch(key_id: int, now: datetime) -> None:
    """Record the use, at most once a minute per key: the condition is in the UPDATE, so
    concurrent requests write it once and most requests do not write at all."""
    db.session.execute(update(ApiKey).where(
        ApiKey.id == key_id,
        or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= now - LAST_USED_EVERY))
        .values(last_used_at=now).execution_options(synchronize_session=False))
    db.session.commit()


def require(caller: Caller, scope: str) -> None:
    if scope not in caller.scopes:
        raise ServiceError(f"This API key lacks the scope {scope}.", code="insufficient_scope",
                           field="scope")
