"""Security headers on every response.

A strict Content-Security-Policy (the templates hold no inline script, style or event
handler: they live in static/), no framing, no MIME sniffing, a referrer only to this site
in full, HSTS when PUBLIC_URL is https, and ``Cache-Control: no-store`` on whatever a
signed-in user or an API client receives, except answers that declare themselves public
(the status lists) and static files.
"""
from __future__ import annotations

import re

from flask import Flask, Response, request, session

from ..settings import settings

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
FIXED = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",  # a view may set a stricter one
}
HSTS = "max-age=31536000"
# response.cache_control.public, without building the object on every response
_PUBLIC = re.compile(r"(?:^|,)\s*public\s*(?:,|$)", re.IGNORECASE)


def init_app(app: Flask) -> None:
    app.after_request(add_headers)


def add_headers(response: Response) -> Response:
    present = {name.lower() for name in response.headers.keys()}
    for name, value in FIXED.items():
        if name.lower() not in present:
            response.headers.add(name, value)
    if settings().public_url.startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    return response


def _private(response: Response) -> bool:
    if request.endpoint == "static" or _PUBLIC.search(response.headers.get("Cache-Control", "")):
        return False
    return request.path.startswith("/api/") or _signed_in()


def _signed_in() -> bool:
    # Flask-Login keeps the user id in the session; reading it needs no database.
    return bool(request.cookies) and "_user_id" in session
