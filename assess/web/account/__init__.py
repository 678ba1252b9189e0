"""The account page: the signed-in user's attempts, their password and their sessions."""
from __future__ import annotations

from . import (
    email,  # noqa: F401  (registers /account/email)
    two_factor,  # noqa: F401  (registers /account/two-factor)
)
from .routes import bp

__all__ = ["bp"]
