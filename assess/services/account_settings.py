"""What account holders do to their own account: sign out (here or everywhere) and change
the password. Each ends sessions by giving the account a new session token (see
``User.get_id``), so every copied session and remember cookie stops working."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from ..extensions import db
from ..models import AccountEvent, User
from . import ServiceError
from .accounts import validate_password
from .notifications import PREFERENCES


def log_event(user_id: int, actor_id: int | None, action: str, now: datetime,
              **detail: Any) -> None:
    """Add an entry to the account log (committed with the change it records)."""
    db.session.add(AccountEvent(user_id=user_id, actor_id=actor_id, action=action,
                                detail=detail, at=now))


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("No such user.", code="not_found")
    return user


def end_sessions(user_id: int) -> None:
    """Sign out: this session, its copies and every other session of the account end."""
    _user(user_id).rotate_session_token()
    db.session.commit()


def sign_out_everywhere(user_id: int, now: datetime) -> User:
    user = _user(user_id)
    user.rotate_session_token()
    log_event(user_id, user_id, "signed_out_everywhere", now)
    db.session.commit()
    return user


def change_password(user_id: int, current: str, new: str, *, now: datetime,
                    min_length: int) -> User:
    """Needs the current password; ends every session, so the caller signs the account in
    again on the device that asked."""
    user = _user(user_id)
    if not user.check_password(current or ""):
        raise ServiceError("The current password is wrong.", field="current_password",
                           code="bad_credentials")
    validate_password(new, min_length=min_length, email=user.email)
    if user.check_password(new):
        raise ServiceError("Choose a password different from the current one.",
                           field="password")
    user.set_password(new)
    user.rotate_session_token()
    log_event(user_id, user_id, "password_changed", now)
    db.session.commit()
    return user


def set_notifications(user_id: int, choices: dict[str, bool], *, now: datetime) -> User:
    """Switch notification mails on or off (``notifications.PREFERENCES``); logged with what
    changed. Security mails are not among them: they always go."""
    user = _user(user_id)
    changed = {name: bool(choices[name]) for name in PREFERENCES
               if name in choices and bool(choices[name]) != getattr(user, name)}
    for name, value in changed.items():
        setattr(user, name, value)
    if changed:
        log_event(user_id, user_id, "notifications_changed", now, **changed)
    db.session.commit()
    return user
