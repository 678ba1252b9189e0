"""Who is asking: Flask-Login's hooks, the role guard and the session shortcut for hot JSON
endpoints."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from ...extensions import login_manager
from ...models import User
from ...services import accounts
from ..errors import error_response, wants_json


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return accounts.get_user(int(user_id)) if user_id.isdigit() else None


@login_manager.unauthorized_handler
def unauthorized():
    """JSON clients (autosave) get a 401 they can act on; browsers go to the sign-in page."""
    if wants_json():
        return error_response(401, "unauthorized", "Your session has ended: sign in again. "
                                                   "Nothing you saved is lost.")
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def session_user_id() -> int | None:
    """The signed-in user's id read from the signed session without loading the user.

    Only for hot JSON endpoints whose service checks ownership and the account's state in
    its own query (autosave). Falls back to Flask-Login, so "remember me" still works.
    """
    user_id = session.get("_user_id")
    if isinstance(user_id, str) and user_id.isdigit():
        return int(user_id)
    return current_user.id if current_user.is_authenticated else None


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
