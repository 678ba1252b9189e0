"""Flask's signed cookie sessions, with each cookie's verification remembered per process.

The exam page autosaves every few seconds with the same session cookie: verifying its
signature and decoding it again on every save was the costliest step left on the hot path.
Here a cookie that verified once is remembered (by secret key and exact value) with its
decoded content and the time it was signed, so the next request with it gets a copy.
Nothing else changes: an altered or unknown cookie is verified in full, a remembered one
still expires PERMANENT_SESSION_LIFETIME after it was signed, and a session that changes is
written and signed as Flask writes it.
"""
from __future__ import annotations

import copy
import time

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature

_verified: dict[tuple[str, str], tuple[str, float]] = {}
_LIMIT = 20_000  # cookies remembered per process; forgotten all at once past it


class RememberingSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        value = request.cookies.get(self.get_cookie_name(app))
        if not value or not isinstance(app.secret_key, (str, bytes)):
            return super().open_session(app, request)
        key = (str(app.secret_key), value)
        max_age = app.permanent_session_lifetime.total_seconds()
        known = _verified.get(key)
        if known is not None and time.time() - known[1] <= max_age:
            return self.session_class(_copy(known[0]))
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        try:
            data, signed_at = serializer.loads(value, max_age=int(max_age),
                                               return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(_verified) >= _LIMIT:
            _verified.clear()
        _verified[key] = (_copy(data), signed_at.timestamp())
        return self.session_class(data)

    def save_session(self, app: Flask, session, response: Response) -> None:
        """As Flask's, without its cookie settings lookups when nothing is to be written (most
        requests: the session did not change)."""
        if request.endpoint == "static":
            # A file is the same whoever asks; "Vary: Cookie" (Flask-Login's response hook
            # reads the session) would keep shared caches from storing it.
            return
        if session and not self.should_set_cookie(app, session):
            if session.accessed:
                _vary_on_cookie(response)
            return
        super().save_session(app, session, response)


def _vary_on_cookie(response: Response) -> None:
    """``response.vary.add("Cookie")`` without parsing the header into a set and back."""
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = "Cookie"
    elif "cookie" not in (token.strip().lower() for token in vary.split(",")):
        response.headers["Vary"] = f"{vary}, Cookie"


def _copy(data: dict) -> dict:
    """A copy no request can change the remembered content through (values are mostly
    text and numbers; anything else is copied deeply)."""
    if all(isinstance(v, (str, int, float, bool, type(None))) for v in data.values()):
        return dict(data)
    return copy.deepcopy(data)
