"""The platforms' API, /api/v1: bearer keys with scopes, JSON in and out, errors in the
shared shape, and an OpenAPI 3.1 document generated from the routes (spectree)."""
from __future__ import annotations

from flask import Flask

from . import (  # noqa: F401 (adds the routes)
    auth,
    docs,
    exports,
    invitations,
    limits,
    results,
    webhooks,
)
from .blueprint import bp

__all__ = ["bp", "init_app"]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    limits.init_app(app)
