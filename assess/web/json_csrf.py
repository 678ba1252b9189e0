"""CSRF for the JSON hot path (autosave), checked once per token instead of once per request.

Flask-WTF's check reads the form body, then verifies the token's signature against the
secret key and compares it with the session's. A view exempted from the global check
(``@json_csrf.required``) runs the same check here, with one difference: once a token has
passed for a session, the pair is remembered in this process, so the next saves of that
page skip the signature work. Nothing else changes: a missing or wrong token, a token from
another session or secret key, and (over https) a foreign referrer are refused by Flask-WTF
itself, with its error. Tokens that expire (WTF_CSRF_TIME_LIMIT set) are always checked.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, request, session
from flask_wtf.csrf import same_origin

from ..extensions import csrf

_passed: set[tuple[str, str, str]] = set()
_LIMIT = 50_000  # tokens remembered per process; forgotten all at once past it


def required(view):
    """Exempt ``view`` from the global check and check its token here."""
    @wraps(view)
    def checked(*args, **kwargs):
        check()
        return view(*args, **kwargs)
    return csrf.exempt(checked)


def check() -> None:
    config = current_app.config
    if not (config["WTF_CSRF_ENABLED"] and config["WTF_CSRF_CHECK_DEFAULT"]):
        return
    key = _key(config)
    if key is not None and key in _passed and _referrer_ok(config):
        return
    csrf.protect()  # the full check: raises CSRFError (400) when it fails
    if key is not None:
        if len(_passed) >= _LIMIT:
            _passed.clear()
        _passed.add(key)


def _key(config) -> tuple[str, str, str] | None:
    """(secret key, header token, session token): what the check depends on, when nothing
    else does (no time limit, the token sent in a header rather than the form)."""
    if config["WTF_CSRF_TIME_LIMIT"] is not None or request.mimetype != "application/json":
        return None
    token = next((request.headers.get(h) for h in config["WTF_CSRF_HEADERS"]
                  if request.headers.get(h)), None)
    expected = session.get(config["WTF_CSRF_FIELD_NAME"])
    secret = config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    if not token or not isinstance(expected, str) or not isinstance(secret, (str, bytes)):
        return None
    return str(secret), token, expected


def _referrer_ok(config) -> bool:
    """Flask-WTF's https rule: the referrer must be this host."""
    if not (request.is_secure and config["WTF_CSRF_SSL_STRICT"]):
        return True
    return bool(request.referrer) and same_origin(request.referrer,
                                                  f"https://{request.host}/")
