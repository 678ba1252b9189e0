"""The API blueprint, kept apart from the routes so several modules add to it. Callers
authenticate with a bearer key, never a session cookie, so CSRF protection does not apply."""
from __future__ import annotations

from flask import Blueprint

from ...extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
