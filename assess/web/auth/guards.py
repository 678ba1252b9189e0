"""Who is asking: Flask-Login's unauthorized handler, the role guard and the session
shortcut for JSON endpoints (the user loader is in sessions.py)."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from ...extensions import login_manager
from ..errors import error_response, wants_json
from .sessions import load_user


@login_manager.unauthorized_handler
def unauthorized():
    """JSON clients (autosave) get a 401 they can act on; browsers go to the sign-in page."""
    if wants_json():
        return error_response(401, "unauthorized", "Your session has ended: sign in again. "
                                                   "Nothing you saved is lost.")
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def session_user_id() -> int | None:
    """The signed-in user's id, for JSON endpoints (autosave) that answer 401 themselves.

    The user is loaded (one primary-key read) so that the session's token is checked: a
    session ended by signing out must not save answers either. A disabled account's id is
    given too, for the service to refuse with its own reason.
    """
    if current_user.is_authenticated:
        return current_user.id
    session_id = session.get("_user_id")
    user = load_user(session_id) if isinstance(session_id, str) else None
    return user.id if user is not None else None


def session_identity() -> tuple[int, str] | None:
    """The (user id, session token) the signed session claims, without loading the user:
    for autosave, whose service checks the token against the account in its one lookup (and
    answers None when it does not match, for the caller to take ``session_user_id``).
    Flask-Login's session protection runs as it does when it loads the user. None when the
    session names nobody (a remember cookie may still sign in: ``session_user_id`` does)."""
    session_id = session.get("_user_id")
    if not isinstance(session_id, str) or login_manager._session_protection_failed():
        return None
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    return int(user_id), token


def role_required(role: str):
    """Only signed-in users holding ``role`` (or a higher one) may pass."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator
