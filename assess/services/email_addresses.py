"""Proving an address: confirming a new account's (when REQUIRE_EMAIL_CONFIRMATION is on),
and changing an account's address, which takes effect only through a link mailed to the new
one. Links expire after EMAIL_CONFIRMATION_HOURS; asking for one never tells whether an
address has an account."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User
from ..settings import settings
from . import ServiceError, mail, signed_links
from .account_settings import log_event
from .accounts import EMAIL, find_by_email, normalise_email
from .signed_links import Links


def _hours() -> int:
    return int(settings().email_confirmation_hours)


def queue_confirmation(user: User, *, now: datetime, links: Links) -> None:
    """Add the mail with a new account's confirmation link (committed by the caller)."""
    token = signed_links.make(signed_links.CONFIRM, {"u": user.id, "e": user.email}, now)
    mail.queue(user.email, "confirm_email", {"name": user.name, "hours": _hours(),
                                             "confirm_url": links.confirm(token)}, now=now)


def queue_account_exists(user: User, *, now: datetime, links: Links) -> None:
    """Tell an account's holder that someone tried to register their address again."""
    mail.queue(user.email, "account_exists", {"name": user.name, "login_url": links.login,
                                              "reset_url": links.reset_request}, now=now)


def ask_for_confirmation(email: str, *, now: datetime, links: Links) -> None:
    """Queue ``resend_confirmation`` in a job: the request takes as long whatever the
    address."""
    mail.look_up_in_job("mail_confirmation_link", normalise_email(email)[:254], now, links,
                        resend_confirmation)


def resend_confirmation(email: str, *, now: datetime, links: Links) -> None:
    """A new confirmation link for an unconfirmed account; nothing otherwise (and the caller
    answers the same either way)."""
    user = find_by_email(email)
    if user is None or not user.active or user.email_confirmed_at is not None:
        db.session.rollback()
        return
    queue_confirmation(user, now=now, links=links)
    db.session.commit()


def confirm_registration(token: str, *, now: datetime) -> User:
    """Mark the account's address confirmed (again: harmless)."""
    payload = signed_links.read(signed_links.CONFIRM, token, now, _hours() * 3600)
    user = _user(payload.get("u"))
    if user is None or user.email != payload.get("e"):
        raise ServiceError("This link is not valid any more: the account's address changed.",
                           code="link_used")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now
        log_event(user.id, user.id, "email_confirmed", now, email=user.email)
        db.session.commit()
    return user


def request_change(user_id: int, new_email: str, current_password: str, *, now: datetime,
                   links: Links) -> str:
    """Mail a link to the new address that makes it the account's; the new address. The
    account keeps its address until the link is followed."""
    user = _user(user_id)
    if user is None:
        raise ServiceError("No such user.", code="not_found")
    if not user.check_password(current_password or ""):
        raise ServiceError("The current password is wrong.", field="current_password",
                           code="bad_credentials")
    new_email = normalise_email(new_email)
    if not EMAIL.match(new_email) or len(new_email) > 254:
        raise ServiceError("Enter a valid email address.", field="email")
    if new_email == user.email:
        raise ServiceError("This is already your address.", field="email")
    # A taken address gets the same answer, and no mail: asking tells no one it is taken.
    if not _taken(new_email, user.id):
        token = signed_links.make(signed_links.CHANGE, {"u": user.id, "new": new_email,
                                                        "old": user.email}, now)
        mail.queue(new_email, "email_change", {
            "name": user.name, "old_email": user.email, "new_email": new_email,
            "hours": _hours(), "confirm_url": links.change(token)}, now=now)
    db.session.commit()
    return new_email


def confirm_change(user_id: int, token: str, *, now: datetime) -> User:
    """Make the link's new address the signed-in account's, if still free; the old address is
    told."""
    payload = signed_links.read(signed_links.CHANGE, token, now, _hours() * 3600)
    if payload.get("u") != user_id:
        raise ServiceError("This link is for another account: sign in as the account that "
                           "asked for the change.", code="wrong_account")
    user = _user(user_id, lock=True)
    if user is None or user.email != payload.get("old"):
        raise ServiceError("This link was already used, or the address changed since it was "
                           "sent.", code="link_used")
    new_email = str(payload.get("new"))
    if _taken(new_email, user.id):
        raise ServiceError(f"{new_email} now belongs to another account: the address was not "
                           "changed.", code="email_taken")
    old_email, user.email = user.email, new_email
    user.email_confirmed_at = now
    log_event(user.id, user.id, "email_changed", now, old=old_email, new=new_email)
    mail.queue(old_email, "email_changed", {"name": user.name, "old_email": old_email,
                                            "new_email": new_email}, now=now)
    try:
        db.session.commit()
    except IntegrityError:  # another account took it a moment ago
        db.session.rollback()
        raise ServiceError(f"{new_email} now belongs to another account: the address was not "
                           "changed.", code="email_taken") from None
    return user


def _user(user_id: object, *, lock: bool = False) -> User | None:
    if not isinstance(user_id, int):
        return None
    return db.session.get(User, user_id, with_for_update=lock)


def _taken(email: str, user_id: int) -> bool:
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.email == email, User.id != user_id)) > 0
