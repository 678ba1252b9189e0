"""User administration: finding accounts, changing a role, disabling and enabling, turning
two-factor sign-in off for a lost phone. Every change is written to the account log
(``AccountEvent``) with who made it and when."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import ROLES, AccountEvent, Attempt, Certificate, User
from . import ServiceError, two_factor
from .account_settings import log_event

PAGE_SIZE = 50


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    page: int
    pages: int
    total: int


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def search_users(text: str = "", role: str | None = None, page: int = 1) -> UserPage:
    """Accounts whose email or name contains ``text`` (any case), of one role if given,
    ordered by email, ``PAGE_SIZE`` a page."""
    query = select(User)
    if text.strip():
        pattern = _like(text.strip())
        query = query.where(or_(func.lower(User.email).like(pattern, escape="\\"),
                                func.lower(User.name).like(pattern, escape="\\")))
    if role:
        if role not in ROLES:
            raise ServiceError(f"Unknown role {role!r}.", field="role")
        query = query.where(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    users = db.session.scalars(query.order_by(User.email)
                               .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return UserPage(list(users), page, pages, total)


def _target(actor_id: int, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("No such user.", code="not_found")
    if db.session.get(User, actor_id) is None:
        raise ServiceError("No such admin.", code="not_found")
    return user


def set_role(actor_id: int, user_id: int, role: str, now: datetime) -> User:
    user = _target(actor_id, user_id)
    if role not in ROLES:
        raise ServiceError(f"Unknown role {role!r}; roles are {', '.join(ROLES)}.",
                           field="role")
    if user.id == actor_id and role != "admin":
        raise ServiceError("You cannot remove your own admin role.", field="role",
                           code="own_account")
    if user.role != role:
        log_event(user.id, actor_id, "role_changed", now, old=user.role, new=role)
        user.role = role
        db.session.commit()
    return user


def set_active(actor_id: int, user_id: int, active: bool, now: datetime) -> User:
    """Disable (every session of the account ends) or enable an account."""
    user = _target(actor_id, user_id)
    if user.id == actor_id and not active:
        raise ServiceError("You cannot disable your own account.", code="own_account")
    if user.active != active:
        user.active = active
        if not active:
            user.rotate_session_token()
        log_event(user.id, actor_id, "enabled" if active else "disabled", now)
        db.session.commit()
    return user


def turn_off_two_factor(actor_id: int, user_id: int, now: datetime) -> User:
    """For an account holder who lost their authenticator and recovery codes: they sign in
    with the password alone until they set two-factor sign-in up again."""
    user = _target(actor_id, user_id)
    if user.id == actor_id:
        raise ServiceError("Turn off your own two-factor sign-in on your account page (it asks "
                           "for your password).", code="own_account")
    if not user.two_factor_enabled:
        raise ServiceError("Two-factor sign-in is already off for this account.",
                           code="not_enabled")
    two_factor.turn_off(user, actor_id=actor_id, now=now)
    db.session.commit()
    return user


@dataclass(frozen=True)
class LoggedEvent:
    action: str
    detail: dict
    at: datetime
    actor: str | None  # the actor's email; None for the system


@dataclass(frozen=True)
class UserRecord:
    user: User
    attempts: list[Attempt]
    certificates: list[Certificate]
    events: list[LoggedEvent]


def user_record(user_id: int) -> UserRecord:
    """The admin's view of one account: its attempts, certificates and log, newest first."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("No such user.", code="not_found")
    attempts = db.session.scalars(select(Attempt).where(Attempt.user_id == user_id)
                                  .options(selectinload(Attempt.assessment_version))
                                  .order_by(Attempt.id.desc())).all()
    held = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                              .order_by(Certificate.id.desc())).all()
    rows = db.session.execute(
        select(AccountEvent, User.email).outerjoin(User, User.id == AccountEvent.actor_id)
        .where(AccountEvent.user_id == user_id)
        .order_by(AccountEvent.at.desc(), AccountEvent.id.desc())).all()
    events = [LoggedEvent(e.action, e.detail, e.at, email) for e, email in rows]
    return UserRecord(user, list(attempts), list(held), events)
