"""Signing in and out, registration, and the guards every protected view uses."""
from __future__ import annotations

from .forms import attach_error
from .guards import role_required, session_user_id, unauthorized
from .routes import bp

__all__ = ["attach_error", "bp", "role_required", "session_user_id", "unauthorized"]
