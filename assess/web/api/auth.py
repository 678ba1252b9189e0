"""Bearer keys: who is calling, with which scopes; every API view names the scope it needs."""
from __future__ import annotations

from functools import wraps

from flask import g, request

from ... import clock
from ...services import ServiceError, api_keys
from ...services.api_keys import Caller
from .blueprint import bp


def presented_key() -> str:
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


def api_call(scope: str):
    """Authenticate the bearer key (401) and require ``scope`` of it (403) before the view
    runs, and before its request is validated: a stranger learns nothing about the shapes."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            g.api_caller = api_keys.authenticate(presented_key(), clock.now())
            g.api_scope = scope
            api_keys.require(g.api_caller, scope)
            return view(*args, **kwargs)
        wrapped.api_scope = scope  # type: ignore[attr-defined]  (the document lists it)
        return wrapped
    return decorator


def caller() -> Caller:
    found = g.get("api_caller")
    if found is None:
        raise ServiceError("A valid API key is required.", code="unauthorized")
    return found


@bp.after_request
def challenge(response):
    """RFC 6750: say how to authenticate (401) and which scope was missing (403)."""
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="assess"'
    elif response.status_code == 403 and g.get("api_scope"):
        response.headers["WWW-Authenticate"] = \
            f'Bearer realm="assess", error="insufficient_scope", scope="{g.api_scope}"'
    return response
