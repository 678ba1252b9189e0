"""REQUIRE_2FA_FOR: signed-in users of the listed roles without two-factor sign-in are sent
to set it up (/account/two-factor) from every page until they have, except the set-up page,
signing out, static files and the JSON API (which takes API keys, not sessions)."""
from __future__ import annotations

from flask import Flask, flash, redirect, request, url_for
from flask_login import current_user

from ...models import ROLES
from ...settings import EXTENSION, settings
from ..errors import error_response, wants_json

# The exam's autosave too: it is reached only from the exam page, which this check guards, and
# sparing it keeps the user load off the hot path.
EXEMPT_ENDPOINTS = ("account.two_factor", "auth.logout", "static", "exam.autosave")
REQUIRED = "Your role needs two-factor sign-in: set it up to go on."


def require_two_factor():
    roles = settings().require_2fa_for
    if not roles or request.endpoint is None or request.endpoint in EXEMPT_ENDPOINTS \
            or request.path.startswith("/api/"):
        return None
    if not current_user.is_authenticated or current_user.role not in roles \
            or current_user.two_factor_enabled:
        return None
    if wants_json():
        return error_response(403, "two_factor_required", REQUIRED)
    flash(REQUIRED, "info")
    return redirect(url_for("account.two_factor"))


def init_app(app: Flask) -> None:
    """Refuse to start on a role name that does not exist (a typo would require nothing)."""
    unknown = set(app.extensions[EXTENSION].require_2fa_for) - set(ROLES)
    if unknown:
        raise ValueError(f"REQUIRE_2FA_FOR names unknown roles {sorted(unknown)}; "
                         f"roles are {', '.join(ROLES)}")
    app.before_request(require_two_factor)
