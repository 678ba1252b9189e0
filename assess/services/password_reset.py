"""Forgotten passwords: a signed link mailed to the account's address resets it, once, within
PASSWORD_RESET_MINUTES.

Asking tells no one whether an address has an account: the answer is the same, no mail goes
to an unknown (or disabled) address, and both take as long, since the request only queues a
job that looks the address up (``ask_for_reset``). The link carries the account's id and a
fingerprint of its password hash and session token, so it stops working once used, once the
password changes any other way, and when the account signs out everywhere.
"""
from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import User
from ..settings import settings
from . import ServiceError, mail, signed_links
from .account_settings import log_event
from .accounts import find_by_email, normalise_email, validate_password
from .signed_links import Links


def ask_for_reset(email: str, *, now: datetime, links: Links) -> None:
    """Queue ``request_reset`` in a job: the request takes as long whatever the address."""
    mail.look_up_in_job("mail_reset_link", normalise_email(email)[:254], now, links,
                        request_reset)


def request_reset(email: str, *, now: datetime, links: Links) -> None:
    """Mail a reset link to the account with this address, if there is an active one."""
    user = find_by_email(email)
    minutes = int(settings().password_reset_minutes)
    if user is None or not user.active:
        db.session.rollback()
        return
    token = signed_links.make(signed_links.RESET, {"u": user.id,
                                                   "f": signed_links.fingerprint(user)}, now)
    mail.queue(user.email, "password_reset", {"name": user.name, "reset_url": links.reset(token),
                                              "minutes": minutes}, now=now)
    db.session.commit()


def user_for(token: str, now: datetime, *, lock: bool = False) -> User:
    """The account a reset link is for, while it still works; ServiceError otherwise
    (``link_expired``, ``link_used`` or ``link_invalid``)."""
    payload = signed_links.read(signed_links.RESET, token, now,
                                settings().password_reset_minutes * 60)
    user_id = payload.get("u")
    # Locked when used: of two uses of one link at once, the second sees the new password.
    user = db.session.get(User, user_id, with_for_update=lock) \
        if isinstance(user_id, int) else None
    if user is None:
        raise ServiceError("This link is not valid.", code="link_invalid")
    if not user.active or payload.get("f") != signed_links.fingerprint(user):
        raise ServiceError("This link was already used, or the password changed since it was "
                           "sent.", code="link_used")
    return user


def reset_password(token: str, password: str, *, now: datetime, min_length: int,
                   links: Links) -> User:
    """Set a new password through a reset link: every session of the account ends, the
    change is logged, and the address is told. Does not sign anyone in."""
    user = user_for(token, now, lock=True)
    validate_password(password, min_length=min_length, email=user.email)
    user.set_password(password)
    user.rotate_session_token()
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now  # the link reached the address: it is the holder's
    log_event(user.id, user.id, "password_reset", now)
    mail.queue(user.email, "password_changed", {"name": user.name,
                                                "reset_url": links.reset_request}, now=now)
    db.session.commit()
    return user
