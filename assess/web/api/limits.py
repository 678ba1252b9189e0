"""Per-key rate limits (Flask-Limiter): every API call counts against its key's prefix;
past the limit the answer is 429 with Retry-After, in the API's error shape."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter

from ...services.api_keys import prefix_of
from .. import throttle
from .auth import presented_key
from .blueprint import bp

UNLIMITED = ("api.openapi_json", "api.docs")
EXTENSION = "assess.api_limiter"


def rate_key() -> str:
    prefix = prefix_of(presented_key())
    return f"key:{prefix}" if prefix else f"address:{request.remote_addr}"


def _rate() -> str:
    return current_app.config["API_RATE_LIMIT"]


def init_app(app: Flask) -> None:
    """The API's limit, on the app's one limiter (assess/web/throttle.py), which counts on
    its own storage per app (and so per test)."""
    limiter: Limiter = app.extensions[throttle.EXTENSION]
    limiter.shared_limit(_rate, scope="api", key_func=rate_key, error_message=_refusal,
                         exempt_when=lambda: request.endpoint in UNLIMITED)(bp)
    app.extensions[EXTENSION] = limiter


def _refusal() -> str:
    return (f"Too many requests for this API key (at most {_rate()}): wait the seconds "
            "Retry-After gives.")
