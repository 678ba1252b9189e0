"""Two-factor sign-in with an authenticator app (TOTP) and one-time recovery codes.

Set-up keeps a new secret pending (``totp_secret`` without ``totp_enabled_at``) until the
account holder types a first code from it; that turns two-factor sign-in on and makes
``RECOVERY_CODES`` recovery codes, shown once and stored hashed. At sign-in a code is
accepted once: the step of the last accepted code is written with a conditional UPDATE, so
two requests with one code (or a code older than the last) cannot both pass. Every change is
in the account log; turning two-factor sign-in on or off ends no session.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from ..core import totp
from ..extensions import db
from ..models import RecoveryCode, User
from ..settings import settings
from . import ServiceError
from .account_settings import log_event

RECOVERY_CODES = 10
WRONG_CODE = "That code is not right. Type the current code from your app, or a recovery code."


@dataclass(frozen=True)
class Status:
    enabled: bool
    enabled_at: datetime | None
    recovery_codes_left: int


@dataclass(frozen=True)
class Setup:
    secret: str
    uri: str  # otpauth://, for the QR code


@dataclass(frozen=True)
class Verified:
    method: str  # "totp" | "recovery_code"
    recovery_codes_left: int


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("No such user.", code="not_found")
    return user


def _codes_left(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0


def status(user_id: int) -> Status:
    user = _user(user_id)
    return Status(user.two_factor_enabled, user.totp_enabled_at,
                  _codes_left(user_id) if user.two_factor_enabled else 0)


def begin_setup(user_id: int) -> Setup:
    """The pending secret to scan (a new one the first time), while two-factor is off."""
    user = _user(user_id)
    if user.two_factor_enabled:
        raise ServiceError("Two-factor sign-in is already on.", code="already_enabled")
    if not user.totp_secret:
        user.totp_secret = totp.new_secret()
        db.session.commit()
    return Setup(user.totp_secret, totp.provisioning_uri(
        user.totp_secret, user.email, settings().issuer_name))


def confirm_setup(user_id: int, code: str, now: datetime) -> list[str]:
    """A first code from the app turns two-factor sign-in on; the recovery codes, returned
    in clear this once."""
    user = _user(user_id)
    if user.two_factor_enabled:
        raise ServiceError("Two-factor sign-in is already on.", code="already_enabled")
    if not user.totp_secret:
        raise ServiceError("Start the set-up again.", code="not_started")
    step = totp.matching_step(user.totp_secret, code, now, window=1)
    if step is None:
        raise ServiceError("That code is not right: type the code your app shows now.",
                           field="code", code="bad_code")
    user.totp_enabled_at = now
    user.totp_last_step = step
    codes = _new_recovery_codes(user_id, now)
    log_event(user_id, user_id, "two_factor_enabled", now)
    db.session.commit()
    return codes


def verify(user_id: int, code: str, now: datetime) -> Verified:
    """The second step of signing in: a TOTP code not used before, or an unused recovery
    code (which is used up)."""
    user = _user(user_id)
    if not user.two_factor_enabled or not user.totp_secret:
        raise ServiceError("Two-factor sign-in is off for this account.", code="not_enabled")
    if totp.is_totp_code(code):
        step = totp.matching_step(user.totp_secret, code, now, window=1)
        if step is not None and _claim_step(user_id, step):
            db.session.commit()
            return Verified("totp", _codes_left(user_id))
    elif _use_recovery_code(user_id, code, now):
        left = _codes_left(user_id)
        log_event(user_id, user_id, "recovery_code_used", now, left=left)
        db.session.commit()
        return Verified("recovery_code", left)
    raise ServiceError(WRONG_CODE, field="code", code="bad_code")


def _claim_step(user_id: int, step: int) -> bool:
    """Record ``step`` as the last one used, unless it (or a later one) already is."""
    claimed = db.session.execute(
        update(User).where(User.id == user_id,
                           or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return claimed.rowcount == 1


def _use_recovery_code(user_id: int, code: str, now: datetime) -> bool:
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                   RecoveryCode.code_hash == totp.recovery_code_hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=now).execution_options(synchronize_session=False))
    return used.rowcount == 1


def _new_recovery_codes(user_id: int, now: datetime) -> list[str]:
    """Replace the account's recovery codes (the old ones stop working)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = sorted({totp.new_recovery_code() for _ in range(RECOVERY_CODES)})
    db.session.add_all(RecoveryCode(user_id=user_id, code_hash=totp.recovery_code_hash(code),
                                    created_at=now) for code in codes)
    return codes


def _check_password(user: User, password: str) -> None:
    if not user.check_password(password or ""):
        raise ServiceError("The password is wrong.", field="password",
                           code="bad_credentials")


def regenerate_recovery_codes(user_id: int, password: str, now: datetime) -> list[str]:
    """New recovery codes (in clear, this once); the old ones stop working."""
    user = _user(user_id)
    _check_password(user, password)
    if not user.two_factor_enabled:
        raise ServiceError("Two-factor sign-in is off.", code="not_enabled")
    codes = _new_recovery_codes(user_id, now)
    log_event(user_id, user_id, "recovery_codes_regenerated", now)
    db.session.commit()
    return codes


def disable(user_id: int, password: str, now: datetime) -> None:
    """The account holder turns two-factor sign-in off (the password is asked for)."""
    user = _user(user_id)
    _check_password(user, password)
    turn_off(user, actor_id=user_id, now=now)
    db.session.commit()


def turn_off(user: User, *, actor_id: int, now: datetime) -> None:
    """Forget the secret and the recovery codes and log who did it (the caller commits)."""
    was_on = user.two_factor_enabled
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if was_on:
        log_event(user.id, actor_id, "two_factor_disabled", now)
