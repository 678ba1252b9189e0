"""Verifying a credential: the page (pasted or uploaded) and the anonymous JSON API."""
from __future__ import annotations

import json
from typing import Any

from flask import jsonify, render_template, request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SubmitField, TextAreaField

from ... import clock
from ...extensions import csrf
from ...services import certificates, credential_pages
from ..errors import error_response
from .blueprint import bp

MAX_CREDENTIAL_BYTES = 256 * 1024
TOO_LARGE = ("The credential is larger than 256 KB. A certificate is a few kilobytes: send "
             "only the credential (its JSON or its JWT).")
EMPTY = ("Send a credential: its JSON object, {\"credential\": <object or JWT>}, or the JWT "
         "as text/plain.")


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
    return render_template("public/verify.html", form=form, verdict=verdict,
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
