"""Signing in and out, registration, and the guards every protected view uses."""
from __future__ import annotations

from .forms import attach_error
from .guards import role_required, session_user_id, unauthorized
from .routes import bp
from .sessions import init_app

__all__ = ["attach_error", "bp", "init_app", "role_required", "session_user_id",
           "unauthorized"]
