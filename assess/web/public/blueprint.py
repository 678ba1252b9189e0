"""The public credentials blueprint, and how its JSON documents are served."""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, request

bp = Blueprint("credentials", __name__)

# Verifiers on other sites fetch these documents from the browser.
PUBLIC_DOCUMENT = {"Access-Control-Allow-Origin": "*"}


def document_type() -> str | None:
    """The JSON type a client asks for over HTML, if any."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/ld+json", "application/json"])
    if best in ("application/ld+json", "application/json") and accept[best] > accept["text/html"]:
        return best
    return None


def document(body: dict[str, Any], *, mimetype: str = "application/json",
             filename: str | None = None):
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, indent=2) + "\n", mimetype=mimetype)
    response.headers.update(PUBLIC_DOCUMENT)
    response.headers["Content-Disposition"] = \
        f'inline; filename="{filename}"' if filename else "inline"
    return response
