"""Static files cached for a year, and compressed answers.

Every ``url_for('static', filename=…)`` gets ``?v=<content hash>`` (a ``url_defaults`` hook,
so every template is covered without a helper of its own): a changed file gets a new URL,
so the old one can be cached as immutable. A request whose ``v`` is the file's current hash
is answered ``public, max-age=31536000, immutable``; without ``v`` (a path written by hand,
a script loading another) or with a stale one, the file is served all the same with a short
max-age, so nothing goes stale for long.

Flask-Compress compresses HTML, CSS, JavaScript and JSON (COMPRESS_* in ``assess.config``)
of at least COMPRESS_MIN_SIZE bytes; the streamed exports' types (CSV, JSON Lines) are not
among them, so they still stream. It only adds headers: the Content-Security-Policy and the
rest are untouched, and a strong ETag becomes ``"<etag>:<encoding>"``.
"""
from __future__ import annotations

import hashlib
import os
from typing import Any

from flask import Flask, Response, current_app, request
from flask_compress import Compress
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"

compress = Compress()
_versions: dict[str, tuple[tuple[int, int], str]] = {}  # path -> ((mtime, size), hash)


def init_app(app: Flask) -> None:
    compress.init_app(app)
    app.url_defaults(_add_version)
    app.after_request(_cache_headers)


def content_version(filename: str) -> str | None:
    """The first 12 hex digits of the file's SHA-256 (None when there is no such file),
    computed again only when the file's modification time or size changes."""
    path = safe_join(current_app.static_folder or "", filename)
    if path is None:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    stamp = (stat.st_mtime_ns, stat.st_size)
    known = _versions.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    with open(path, "rb") as file:
        digest = hashlib.file_digest(file, "sha256").hexdigest()[:12]
    _versions[path] = (stamp, digest)
    return digest


def _add_version(endpoint: str | None, values: dict[str, Any]) -> None:
    if endpoint == "static" and "filename" in values and "v" not in values:
        version = content_version(values["filename"])
        if version is not None:
            values["v"] = version


def _cache_headers(response: Response) -> Response:
    if request.endpoint != "static" or response.status_code not in (200, 304):
        return response
    asked = request.args.get("v")
    current = content_version(request.view_args["filename"]) if asked else None
    response.headers["Cache-Control"] = IMMUTABLE if asked and asked == current else SHORT
    return response
