"""Accounts: registration, sign-in, users made from the CLI."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import ROLES, User
from ..settings import settings
from . import ServiceError, passwords
from .signed_links import Links

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

DEMO_USERS = (
    ("applicant", "applicant@demo.assess", "Demo Applicant", "sunny-orchard-47"),
    ("grader", "grader@demo.assess", "Demo Grader", "quiet-harbour-52"),
    ("lead", "lead@demo.assess", "Demo Lead", "silver-meadow-38"),
    ("admin", "admin@demo.assess", "Demo Admin", "copper-lantern-61"),
)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def validate_password(password: str, *, min_length: int, email: str = "") -> None:
    """The password rules, for a new account and a changed password alike (see
    services/passwords.py): pass the account's ``email`` so that it is refused as a password."""
    passwords.check_policy(password, email, min_length)


def _new_user(email: str, name: str, password: str, role: str, now: datetime,
              min_length: int) -> User:
    email = normalise_email(email)
    if not EMAIL.match(email):
        raise ServiceError("Enter a valid email address.", field="email")
    if not name.strip():
        raise ServiceError("Enter your name.", field="name")
    if role not in ROLES:
        raise ServiceError(f"Unknown role {role!r}; roles are {', '.join(ROLES)}.", field="role")
    validate_password(password, min_length=min_length, email=email)
    if find_by_email(email):
        raise ServiceError("An account with this email already exists.", field="email",
                           code="email_taken")
    user = User(email=email, name=name.strip(), role=role, created_at=now)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()  # a registration of the same address that committed meanwhile
    except IntegrityError:
        db.session.rollback()
        raise ServiceError("An account with this email already exists.", field="email",
                           code="email_taken") from None
    return user


def register(email: str, name: str, password: str, *, now: datetime, min_length: int,
             links: Links) -> User | None:
    """Self-registration always makes an applicant, whose address is confirmed by a mailed
    link when REQUIRE_EMAIL_CONFIRMATION is on. None when the address has an account
    already: its holder is mailed about it, and the caller answers as it does for a new
    account, so that registering tells no one which addresses have accounts; the password is
    hashed all the same so that both take as long."""
    # The mails need this module's lookups: imported here, not at the top, against a cycle.
    from .email_addresses import queue_account_exists, queue_confirmation
    try:
        user = _new_user(email, name, password, "applicant", now, min_length)
    except ServiceError as exc:
        if exc.code != "email_taken":
            raise
        db.session.rollback()
        passwords.spend_hashing_time(password)
        holder = find_by_email(email)
        if holder is not None:  # None only if it was deleted meanwhile
            queue_account_exists(holder, now=now, links=links)
        db.session.commit()
        return None
    if settings().require_email_confirmation:
        db.session.flush()  # the id its confirmation link carries
        queue_confirmation(user, now=now, links=links)
    db.session.commit()
    return user


def create_user(email: str, name: str, password: str, role: str, *, now: datetime,
                min_length: int) -> User:
    """An account made by an administrator (the CLI): its address counts as confirmed."""
    user = _new_user(email, name, password, role, now, min_length)
    user.email_confirmed_at = now
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User:
    user = find_by_email(email)
    # One hash check either way (against a dummy hash when there is no such account), so
    # that the time taken does not tell which addresses have accounts.
    if not passwords.matches(user.password_hash if user else None, password) or user is None:
        raise ServiceError("Email or password is wrong.", code="bad_credentials")
    if not user.active:
        raise ServiceError("This account is disabled.", code="disabled")
    if user.email_confirmed_at is None and settings().require_email_confirmation:
        raise ServiceError("Confirm your address first: open the link we mailed you when you "
                           "registered, or ask for a new one below.", code="unconfirmed")
    return user


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    created: bool


def ensure_demo_users(now: datetime) -> list[DemoAccount]:
    """The demo accounts `make run` prints; existing ones get their demo password back."""
    accounts = []
    for role, email, name, password in DEMO_USERS:
        user = find_by_email(email)
        created = user is None
        if created:
            user = User(email=email, name=name, role=role, created_at=now)
            db.session.add(user)
        user.role = role
        user.set_password(password)
        user.email_confirmed_at = user.email_confirmed_at or now
        accounts.append(DemoAccount(role, email, password, created))
    db.session.commit()
    return accounts


MAX_EXTRA_MINUTES = 24 * 60
MAX_MULTIPLIER = 4.0


def set_accommodation(user_id: int, extra_minutes: int, multiplier: float) -> User:
    """Grant extra time for timed attempts started from now on (never shortens a limit)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise ServiceError("No such user.", code="not_found")
    if not 0 <= extra_minutes <= MAX_EXTRA_MINUTES:
        raise ServiceError(f"Extra minutes must be between 0 and {MAX_EXTRA_MINUTES}.",
                           field="extra_minutes")
    if not 1.0 <= multiplier <= MAX_MULTIPLIER:
        raise ServiceError(f"The time multiplier must be between 1 and {MAX_MULTIPLIER:g}.",
                           field="multiplier")
    user.accommodation_extra_minutes = extra_minutes
    user.accommodation_multiplier = multiplier
    db.session.commit()
    return user


def users_page() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def admin_by_email(email: str) -> User:
    user = find_by_email(email)
    if user is None or not user.has_role("admin"):
        raise ServiceError(f"No admin account {email!r}.", code="not_found")
    return user


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)
