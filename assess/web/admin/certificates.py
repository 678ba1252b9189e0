"""Certificates for admins: the list, signing the ones still due, one certificate, revoking."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import clock
from ...services import ServiceError, certificates, credential_pages
from ..auth import attach_error, role_required
from ..errors import status_of
from .blueprint import bp
from .forms import RetryForm, RevokeForm


@bp.get("/certificates")
@role_required("admin")
def certificate_list():
    page = request.args.get("page", "1")
    listing = credential_pages.admin_list(request.args.get("status") or None, clock.now(),
                                          int(page) if page.isdigit() else 1)
    return render_template("admin/certificates.html", listing=listing,
                           statuses=credential_pages.STATUSES, waiting=certificates.waiting(),
                           retry_form=RetryForm())


@bp.post("/certificates/issue-due")
@role_required("admin")
def issue_due_certificates():
    if not RetryForm().validate_on_submit():
        return redirect(url_for(".certificate_list"))
    run = certificates.issue_all_due(clock.now())
    flash(f"Issued {run.issued} certificate(s)."
          + (f" {len(run.failed)} still failing: see the errors below." if run.failed else ""),
          "error" if run.failed else "success")
    return redirect(url_for(".certificate_list"))


@bp.get("/certificates/<public_id>")
@role_required("admin")
def certificate(public_id: str):
    return _certificate_page(public_id, RevokeForm())


@bp.post("/certificates/<public_id>/revoke")
@role_required("admin")
def revoke_certificate(public_id: str):
    form = RevokeForm()
    if not form.validate_on_submit():
        return _certificate_page(public_id, form, 422)
    try:
        certificates.revoke(public_id, current_user.id, form.reason.data or "", clock.now())
    except ServiceError as exc:
        if status_of(exc) == 409:
            flash(exc.message, "error")
            return redirect(url_for(".certificate", public_id=public_id))
        if status_of(exc) != 422:
            raise
        attach_error(form, exc)
        return _certificate_page(public_id, form, 422)
    flash(f"Certificate {public_id} is revoked. Its page and every verifier now say so, "
          "with your reason.", "success")
    return redirect(url_for(".certificate", public_id=public_id))


def _certificate_page(public_id: str, form: RevokeForm, status: int = 200):
    page = credential_pages.certificate_page(public_id, clock.now())
    return render_template("admin/certificate.html", page=page, form=form,
                           email=credential_pages.holder_email(page.certificate)), status
