"""Signed links in mails: a password reset, an address confirmation, an address change.

Each is an itsdangerous token signed with the app's secret key and a salt of its own (a
token made for one purpose is refused for another), stamped and checked against the app's
clock (``now`` passed in), never the wall clock. Whether a link still applies (the password
it resets unchanged, the address it confirms still the account's) is for its use case to
check against what the token carries.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..models import User
from ..settings import settings
from . import ServiceError

RESET = "assess.password-reset"
CONFIRM = "assess.email-confirmation"
CHANGE = "assess.email-change"


TOKEN = "--token--"  # where a link's token goes in the Links templates


@dataclass(frozen=True)
class Links:
    """The absolute URLs mails link to, built by the web layer on PUBLIC_URL (never on the
    request's Host header, which a client chooses). Plain strings, so that a job can carry
    them: the token links are templates with ``TOKEN`` where the token goes."""
    login: str
    reset_request: str
    reset_template: str  # resets the password
    confirm_template: str  # confirms a new account's address
    change_template: str  # confirms an address change

    def reset(self, token: str) -> str:
        return self.reset_template.replace(TOKEN, token)

    def confirm(self, token: str) -> str:
        return self.confirm_template.replace(TOKEN, token)

    def change(self, token: str) -> str:
        return self.change_template.replace(TOKEN, token)


class _ClockSigner(TimestampSigner):
    """A timestamp signer whose "now" is the app's clock."""

    def __init__(self, *args: Any, now: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._now = int(now.timestamp())

    def get_timestamp(self) -> int:
        return self._now


def _serializer(purpose: str, now: datetime) -> URLSafeTimedSerializer:
    secret = settings().secret_key
    if not secret:
        raise RuntimeError("SECRET_KEY is not set: links cannot be signed")
    return URLSafeTimedSerializer(secret, salt=purpose, signer=_ClockSigner,
                                  signer_kwargs={"now": now})


def make(purpose: str, payload: dict[str, Any], now: datetime) -> str:
    return _serializer(purpose, now).dumps(payload)


def read(purpose: str, token: str, now: datetime, max_age_seconds: float) -> dict[str, Any]:
    """The payload of a token this server signed for ``purpose`` within ``max_age_seconds``;
    ServiceError ``link_expired`` or ``link_invalid`` otherwise."""
    try:
        payload = _serializer(purpose, now).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise ServiceError("This link has expired.", code="link_expired") from None
    except BadSignature:
        raise ServiceError("This link is not valid: check that you copied all of it.",
                           code="link_invalid") from None
    if not isinstance(payload, dict):
        raise ServiceError("This link is not valid.", code="link_invalid")
    return payload


def fingerprint(user: User) -> str:
    """Changes whenever the password or the session token does: a reset link carrying it
    works once, and signing out everywhere voids it too."""
    material = f"{user.id}|{user.password_hash}|{user.session_token}".encode()
    return hashlib.sha256(material).hexdigest()[:24]
