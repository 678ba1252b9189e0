"""The public certificate: its page, and its JSON and JWT forms."""
from __future__ import annotations

from flask import current_app, render_template

from ... import clock
from ...services import certificates, credential_pages
from .blueprint import PUBLIC_DOCUMENT, bp, document


@bp.get("/certificates/<public_id>")
def certificate(public_id: str):
    page = credential_pages.certificate_page(public_id, clock.now())
    return render_template("public/certificate.html", page=page)


@bp.get("/certificates/<public_id>.json")
def certificate_json(public_id: str):
    found = certificates.by_public_id(public_id)
    return document(found.credential, filename=f"certificate-{public_id}.json")


@bp.get("/certificates/<public_id>.jwt")
def certificate_jwt(public_id: str):
    found = certificates.by_public_id(public_id)
    response = current_app.response_class(found.jwt, mimetype="text/plain")
    response.headers.update(PUBLIC_DOCUMENT)
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{public_id}.jwt"'
    return response
