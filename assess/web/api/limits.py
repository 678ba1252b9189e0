"""Per-key rate limits (Flask-Limiter): every API call counts against its key's prefix;
past the limit the answer is 429 with Retry-After, in the API's error shape."""
from __future__ import annotations

import os

from flask import Flask, current_app, request
from flask_limiter import Limiter

from ...services.api_keys import prefix_of
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
    """One limiter per app, so that each app (and each test) counts on its own storage."""
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = \
            os.environ.get("RATELIMIT_STORAGE_URI") or "memory://"
    limiter = Limiter(key_func=rate_key, headers_enabled=True, default_limits=[],
                      key_prefix="assess-api")
    limiter.shared_limit(_rate, scope="api", error_message=_refusal,
                         exempt_when=lambda: request.endpoint in UNLIMITED)(bp)
    app.after_request(_retry_after_only_when_refused)  # runs after the limiter's own
    limiter.init_app(app)
    app.extensions[EXTENSION] = limiter


def _refusal() -> str:
    return (f"Too many requests for this API key (at most {_rate()}): wait the seconds "
            "Retry-After gives.")


def _retry_after_only_when_refused(response):
    """Flask-Limiter sends Retry-After with every answer; it means something only on 429."""
    if request.blueprint == "api" and response.status_code != 429:
        response.headers.pop("Retry-After", None)
    return response
