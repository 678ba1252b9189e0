"""The account page: the signed-in user's attempts, their password and their sessions."""
from __future__ import annotations

from .routes import bp

__all__ = ["bp"]
