"""The issuer: its profile page or controller document, and its public keys."""
from __future__ import annotations

from flask import current_app, render_template

from ...services import certificates
from ...settings import settings
from .blueprint import bp, document, document_type


@bp.get("/issuer")
def issuer():
    wanted = document_type()
    if wanted is None:
        response = current_app.make_response(render_template(
            "public/issuer.html", issuer_id=certificates.issuer_id(),
            name=settings().issuer_name, url=settings().public_url + "/",
            keys=certificates.published_keys()))
    else:
        response = document(certificates.controller_document(), mimetype=wanted)
    response.vary.add("Accept")
    return response


@bp.get("/issuer.json")
def issuer_json():
    return document(certificates.controller_document())


@bp.get("/.well-known/jwks.json")
def jwks():
    return document(certificates.jwks())
