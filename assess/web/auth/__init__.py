"""Signing in and out, registration, and the guards every protected view uses."""
from __future__ import annotations

from flask import Flask

from . import (
    recovery,  # noqa: F401  (registers /auth/reset and /auth/confirm)
    second_step,  # noqa: F401  (registers /auth/two-factor)
)
from .forms import attach_error
from .guards import role_required, session_user_id, unauthorized
from .required import init_app as _require_two_factor
from .routes import bp
from .sessions import init_app as _end_sessions

__all__ = ["attach_error", "bp", "init_app", "role_required", "session_user_id",
           "unauthorized"]


def init_app(app: Flask) -> None:
    _end_sessions(app)
    _require_two_factor(app)  # after the session limits: an ended session needs nothing
