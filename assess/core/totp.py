"""Time-based one-time passwords (RFC 6238, as authenticator apps make them) and recovery
codes: the arithmetic only. The caller passes the time and keeps the state (the last step
accepted, the hashes of unused recovery codes).

A code belongs to a time step of ``STEP_SECONDS``; a code of a neighbouring step is accepted
too (``window``), for clocks a little apart and codes typed as they change.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read back easily
RECOVERY_GROUPS = 3
RECOVERY_GROUP_LENGTH = 4
_TOTP_CODE = re.compile(r"[0-9]{6}")  # ASCII digits only


def new_secret() -> str:
    """A new shared secret: 160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def step_at(at: datetime) -> int:
    """The time step ``at`` falls in."""
    return int(at.timestamp()) // STEP_SECONDS


def code_for(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def normalise_code(text: str) -> str:
    """What the user typed, without the spaces, hyphens and case that do not matter."""
    return re.sub(r"[\s-]+", "", text or "").lower()


def is_totp_code(text: str) -> bool:
    return bool(_TOTP_CODE.fullmatch(normalise_code(text)))


def matching_step(secret: str, code: str, at: datetime, window: int = 1) -> int | None:
    """The step (within ``window`` steps of ``at``) whose code ``code`` is, or None. Every
    candidate is compared in constant time."""
    code = normalise_code(code)
    if not _TOTP_CODE.fullmatch(code):
        return None
    now = step_at(at)
    found = None
    for step in range(now - window, now + window + 1):
        if hmac.compare_digest(code_for(secret, step), code) and found is None:
            found = step
    return found


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer)


def grouped(secret: str, size: int = 4) -> str:
    """The secret in groups of four, for typing it into an app by hand."""
    return " ".join(secret[i:i + size] for i in range(0, len(secret), size))


def new_recovery_code() -> str:
    """``xxxx-xxxx-xxxx`` from a 31-letter alphabet: about 59 random bits, too many to guess
    within the sign-in throttle, so a fast hash is enough to store it."""
    letters = "".join(secrets.choice(RECOVERY_ALPHABET)
                      for _ in range(RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH))
    return "-".join(letters[i:i + RECOVERY_GROUP_LENGTH]
                    for i in range(0, len(letters), RECOVERY_GROUP_LENGTH))


def recovery_code_hash(text: str) -> str:
    """The stored form of a recovery code, the same however it was typed."""
    return hashlib.sha256(normalise_code(text).encode()).hexdigest()

