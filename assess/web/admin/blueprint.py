"""The admin blueprint, kept apart from the routes so several modules add to it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
