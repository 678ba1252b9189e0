from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String, true
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .types import UTCDateTime

ROLES = ("applicant", "grader", "lead", "admin")
# Each role can do everything the roles before it can, except take exams for others' credit.
ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role_known"),
        CheckConstraint("accommodation_multiplier >= 1", name="multiplier_at_least_one"),
        CheckConstraint("accommodation_extra_minutes >= 0", name="extra_minutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="applicant")
    active: Mapped[bool] = mapped_column(default=True)
    accommodation_extra_minutes: Mapped[int] = mapped_column(default=0)
    accommodation_multiplier: Mapped[float] = mapped_column(default=1.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Part of every session and remember cookie (``get_id``): a new token ends them all.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # When the holder proved the address theirs (a link mailed to it); None: not yet (only
    # refused at sign-in when REQUIRE_EMAIL_CONFIRMATION is on).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Two-factor sign-in (TOTP): a secret without ``totp_enabled_at`` is a set-up not yet
    # confirmed; ``totp_last_step`` is the time step of the last code accepted, so that no
    # code (nor an older one) is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_step: Mapped[int | None] = mapped_column()
    # Which notification mails the account receives (security mails are always sent).
    notify_results: Mapped[bool] = mapped_column(default=True, server_default=true())
    notify_certificates: Mapped[bool] = mapped_column(default=True, server_default=true())
    notify_appeals: Mapped[bool] = mapped_column(default=True, server_default=true())

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return password_matches(self.password_hash, password)

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def hash_password(password: str) -> str:
    """How every stored password is hashed (Werkzeug's scrypt, with its salt and cost)."""
    return generate_password_hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
