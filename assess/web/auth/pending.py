"""The pending sign-in between the password and the two-factor code.

A right password does not sign an account with two-factor sign-in in: the session keeps a
marker (the account's id and session token, when, "keep me signed in" and where to go next)
until a code is given at /auth/two-factor. The marker lasts ``PENDING_SECONDS`` by the app's
clock, and stops counting when the account gets a new session token (signed out everywhere,
disabled, password changed).
"""
from __future__ import annotations

import hmac

from flask import session

from ... import clock
from ...models import User
from ...services import accounts

PENDING = "two_factor_pending"
PENDING_SECONDS = 5 * 60
EXPIRED = "Your sign-in took too long: enter your password again."


def start(user: User, remember: bool, next_path: str) -> None:
    """After a right password: wait for the code instead of signing in."""
    session[PENDING] = {"user_id": user.id, "token": user.session_token,
                        "at": int(clock.now().timestamp()), "remember": bool(remember),
                        "next": next_path}


def pending_user() -> tuple[User, dict] | None:
    """The account waiting for its code, and the marker; None if none or expired."""
    marker = session.get(PENDING)
    if not isinstance(marker, dict) or not isinstance(marker.get("user_id"), int):
        return None
    if int(clock.now().timestamp()) - int(marker.get("at") or 0) > PENDING_SECONDS:
        return None
    user = accounts.get_user(marker["user_id"])
    if user is None or not user.active or not hmac.compare_digest(
            user.session_token.encode(), str(marker.get("token", "")).encode()):
        return None
    return user, marker
