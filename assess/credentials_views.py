"""Certificates on the web: the public certificate page and its JSON and JWT forms, the issuer
profile and keys, verification (a page and a JSON API), the applicant's certificates, and the
admin list with revocation. Views parse, authorise, call one service and render."""
from __future__ import annotations

import json
from typing import Any

from flask import (Blueprint, current_app, flash, jsonify, redirect, render_template, request,
                   url_for)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from . import clock
from .auth import attach_error, role_required
from .errors import error_response, status_of
from .extensions import csrf
from .services import ServiceError, certificates, credential_pages

bp = Blueprint("credentials", __name__)

MAX_CREDENTIAL_BYTES = 256 * 1024
TOO_LARGE = ("The credential is larger than 256 KB. A certificate is a few kilobytes: send "
             "only the credential (its JSON or its JWT).")
EMPTY = ("Send a credential: its JSON object, {\"credential\": <object or JWT>}, or the JWT "
         "as text/plain.")
PUBLIC_DOCUMENT = {"Access-Control-Allow-Origin": "*"}


# ---- the public certificate ----------------------------------------------------------------

@bp.get("/certificates/<public_id>")
def certificate(public_id: str):
    page = credential_pages.certificate_page(public_id, clock.now())
    return render_template("credentials/certificate.html", page=page)


@bp.get("/certificates/<public_id>.json")
def certificate_json(public_id: str):
    found = certificates.by_public_id(public_id)
    return _document(found.credential, filename=f"certificate-{public_id}.json")


@bp.get("/certificates/<public_id>.jwt")
def certificate_jwt(public_id: str):
    found = certificates.by_public_id(public_id)
    response = current_app.response_class(found.jwt, mimetype="text/plain")
    response.headers.update(PUBLIC_DOCUMENT)
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{public_id}.jwt"'
    return response


# ---- the issuer ------------------------------------------------------------------------------

@bp.get("/issuer")
def issuer():
    wanted = _document_type()
    if wanted is None:
        response = current_app.make_response(render_template(
            "credentials/issuer.html", issuer_id=certificates.issuer_id(),
            name=current_app.config["ISSUER_NAME"], url=current_app.config["PUBLIC_URL"] + "/",
            keys=certificates.published_keys()))
    else:
        response = _document(certificates.controller_document(), mimetype=wanted)
    response.vary.add("Accept")
    return response


@bp.get("/issuer.json")
def issuer_json():
    return _document(certificates.controller_document())


@bp.get("/.well-known/jwks.json")
def jwks():
    return _document(certificates.jwks())


def _document_type() -> str | None:
    """The JSON type a client asks for over HTML, if any."""
    accept = request.accept_mimetypes
    best = accept.best_match(["text/html", "application/ld+json", "application/json"])
    if best in ("application/ld+json", "application/json") and accept[best] > accept["text/html"]:
        return best
    return None


def _document(document: dict[str, Any], *, mimetype: str = "application/json",
              filename: str | None = None):
    response = current_app.response_class(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n", mimetype=mimetype)
    response.headers.update(PUBLIC_DOCUMENT)
    response.headers["Content-Disposition"] = \
        f'inline; filename="{filename}"' if filename else "inline"
    return response


# ---- verifying -------------------------------------------------------------------------------

class VerifyForm(FlaskForm):
    credential = TextAreaField("Paste the credential: its JSON, or its JWT",
                               render_kw={"rows": 12, "spellcheck": "false",
                                          "autocomplete": "off"})
    upload = FileField("Or choose a file holding it (.json or .jwt)",
                       render_kw={"accept": ".json,.jwt,.txt,application/json,text/plain"})
    submit = SubmitField("Verify")


@bp.get("/verify")
def verify_page():
    public_id = request.args.get("id", "").strip()
    verdict = None
    if public_id:
        stored = certificates.by_public_id(public_id)
        verdict = credential_pages.verify_any(stored.credential, clock.now())
    return _verify_page(VerifyForm(), verdict, checked=public_id or None)


@bp.post("/verify")
def verify_form():
    form = VerifyForm()
    if not form.validate_on_submit():
        return _verify_page(form, None), 400
    text = form.credential.data or ""
    upload = form.upload.data
    if not text.strip() and upload:
        text = upload.stream.read(MAX_CREDENTIAL_BYTES + 1).decode("utf-8-sig", "replace")
    if len(text.encode()) > MAX_CREDENTIAL_BYTES:
        form.form_errors.append(TOO_LARGE)
        return _verify_page(form, None), 413
    if not text.strip():
        form.form_errors.append("Paste a credential or choose a file.")
        return _verify_page(form, None), 400
    return _verify_page(form, credential_pages.verify_any(text.strip(), clock.now()))


def _verify_page(form: VerifyForm, verdict, checked: str | None = None):
    return render_template("credentials/verify.html", form=form, verdict=verdict,
                           claims=credential_pages.claims_of(verdict) if verdict else None,
                           checked=checked, limit_kb=MAX_CREDENTIAL_BYTES // 1024)


@bp.post("/api/verify")
@csrf.exempt
def api_verify():
    """Anonymous JSON API: 200 with the verdict for anything that is a credential or tries to
    be; 400 for an empty body, 413 beyond 256 KB."""
    if (request.content_length or 0) > MAX_CREDENTIAL_BYTES:
        return error_response(413, "too_large", TOO_LARGE)
    data = request.get_data(cache=False)
    if len(data) > MAX_CREDENTIAL_BYTES:
        return error_response(413, "too_large", TOO_LARGE)
    presented = _presented(data.decode("utf-8-sig", "replace"))
    if presented is None:
        return error_response(400, "empty", EMPTY, "credential")
    return jsonify(credential_pages.verify_any(presented, clock.now()).as_json())


def _presented(text: str) -> Any:
    """The credential in a request body: the object itself, {"credential": <object or JWT>},
    or a JWT (or anything else, which the verifier then calls malformed). None when empty."""
    text = text.strip()
    if not text:
        return None
    if not text.startswith("{"):
        return text
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        return text  # the verifier says where the JSON breaks
    if isinstance(body, dict) and "credential" in body and "@context" not in body:
        inner = body["credential"]
        if isinstance(inner, str):
            return inner.strip() or None
        return inner if inner not in (None, {}, []) else None
    return body


# ---- the applicant's certificates ------------------------------------------------------------

@bp.get("/me/certificates")
@login_required
def mine():
    now = clock.now()
    return render_template("credentials/mine.html", now=now,
                           domains=credential_pages.my_certificates(current_user.id, now))


# ---- administration --------------------------------------------------------------------------

class RevokeForm(FlaskForm):
    reason = TextAreaField("Reason (5 to 500 characters, shown to anyone who verifies it)",
                           validators=[Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField("Revoke the certificate")


@bp.get("/admin/certificates")
@role_required("admin")
def admin_list():
    page = request.args.get("page", "1")
    listing = credential_pages.admin_list(request.args.get("status") or None, clock.now(),
                                          int(page) if page.isdigit() else 1)
    return render_template("admin/certificates.html", listing=listing,
                           statuses=credential_pages.STATUSES, waiting=certificates.waiting(),
                           retry_form=RetryForm())


class RetryForm(FlaskForm):
    submit = SubmitField("Try signing them again now")


@bp.post("/admin/certificates/issue-due")
@role_required("admin")
def admin_issue_due():
    if not RetryForm().validate_on_submit():
        return redirect(url_for(".admin_list"))
    run = certificates.issue_all_due(clock.now())
    flash(f"Issued {run.issued} certificate(s)."
          + (f" {len(run.failed)} still failing: see the errors below." if run.failed else ""),
          "error" if run.failed else "success")
    return redirect(url_for(".admin_list"))


@bp.get("/admin/certificates/<public_id>")
@role_required("admin")
def admin_certificate(public_id: str):
    return _admin_page(public_id, RevokeForm())


@bp.post("/admin/certificates/<public_id>/revoke")
@role_required("admin")
def admin_revoke(public_id: str):
    form = RevokeForm()
    if not form.validate_on_submit():
        return _admin_page(public_id, form, 422)
    try:
        certificates.revoke(public_id, current_user.id, form.reason.data or "", clock.now())
    except ServiceError as exc:
        if status_of(exc) == 409:
            flash(exc.message, "error")
            return redirect(url_for(".admin_certificate", public_id=public_id))
        if status_of(exc) != 422:
            raise
        attach_error(form, exc)
        return _admin_page(public_id, form, 422)
    flash(f"Certificate {public_id} is revoked. Its page and every verifier now say so, "
          "with your reason.", "success")
    return redirect(url_for(".admin_certificate", public_id=public_id))


def _admin_page(public_id: str, form: RevokeForm, status: int = 200):
    page = credential_pages.certificate_page(public_id, clock.now())
    return render_template("admin/certificate.html", page=page, form=form,
                           email=credential_pages.holder_email(page.certificate)), status
