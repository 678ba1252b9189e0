"""Sessions that end: revocable (the account's session token is part of the id Flask-Login
keeps in the session and the remember cookie), with an idle and an absolute time limit.

``User.get_id`` is ``"<id>:<session token>"`` (Flask-Login's alternative tokens): the loader
accepts an id only while its token is the account's current one, so giving the account a new
token (sign out, sign out everywhere, a password change, disabling) ends every copy of every
session, remember cookies included.

The limits (``SESSION_IDLE_MINUTES``, ``SESSION_MAX_HOURS``; 0 turns one off) are measured
from timestamps kept in the signed session. Every request refreshes the idle timestamp, the
exam page's autosaves included (at most every twelfth of the limit, see
``_refresh_seconds``), so an applicant writing an answer is never signed out for
being idle. A device signed in with "keep me signed in" signs in again from its remember
cookie when a limit ends its session.
"""
from __future__ import annotations

import hmac

from flask import Flask, current_app, g, request, session
from flask_login import login_user, user_loaded_from_cookie, user_logged_in

from ... import clock
from ...extensions import login_manager
from ...models import User
from ...services import accounts
from ..session_cookies import RememberingSessionInterface

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
_FLASK_LOGIN_KEYS = ("_user_id", "_fresh", "_id", "_remember_seconds")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = accounts.get_user(int(user_id))
    if user is None or not hmac.compare_digest(user.session_token.encode(), token.encode()):
        return None
    return user


def _stamp(*_args, **_kwargs) -> None:
    now = _now()
    session[SIGNED_IN_AT] = session[SEEN_AT] = now


def _now() -> int:
    return int(clock.now().timestamp())


def _expired(now: int, signed_in_at: int, seen_at: int) -> bool:
    idle = current_app.config.get("SESSION_IDLE_MINUTES") or 0
    longest = current_app.config.get("SESSION_MAX_HOURS") or 0
    return bool((idle and now - seen_at > idle * 60) or
                (longest and now - signed_in_at > longest * 3600))


def enforce_session_limits() -> None:
    """Before every request: end a signed-in session past a limit, else refresh its idle
    timestamp. Static files skip it: reading the session would make them vary by cookie."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    now = _now()
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        _stamp()  # a session from before the limits: they run from now
        return
    if _expired(now, signed_in_at, seen_at):
        for key in (*_FLASK_LOGIN_KEYS, SIGNED_IN_AT, SEEN_AT):
            session.pop(key, None)
        g.pop("_login_user", None)
        return
    if now - seen_at >= _refresh_seconds():
        session[SEEN_AT] = now


def _refresh_seconds() -> int:
    """How stale the idle timestamp may get before a request renews it: rewriting the
    session cookie on every autosave would cost each save a Set-Cookie. A session therefore
    ends between eleven and twelve twelfths of the idle limit after its last request."""
    idle = current_app.config.get("SESSION_IDLE_MINUTES") or 0
    return max(60, int(idle * 60 / 12))


def init_app(app: Flask) -> None:
    app.session_interface = RememberingSessionInterface()
    app.before_request(enforce_session_limits)
    user_logged_in.connect(_stamp, app)
    user_loaded_from_cookie.connect(_stamp, app)


def keep_signed_in(user: User) -> None:
    """After the account got a new token on this device's request (a password change, sign
    out everywhere): this device stays signed in, every other session ends. The absolute
    limit still runs from the original sign-in, and a remember cookie is renewed."""
    signed_in_at = session.get(SIGNED_IN_AT)
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") \
        in request.cookies
    login_user(user, remember=remembered)
    if isinstance(signed_in_at, int):
        session[SIGNED_IN_AT] = signed_in_at
