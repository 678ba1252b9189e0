"""/account/two-factor: set up two-factor sign-in with an authenticator app (a QR code drawn
on the server as SVG, and the secret for typing in), confirm it with a first code, turn it
off or make new recovery codes (both with the password). Recovery codes are shown once, in
the answer to the request that made them, and kept nowhere in clear."""
from __future__ import annotations

import segno
from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ... import clock
from ...core.totp import grouped
from ...services import ServiceError
from ...services import two_factor as service
from .. import throttle
from ..auth import attach_error
from .routes import bp
from .two_factor_forms import ConfirmTwoFactorForm, DisableTwoFactorForm, RecoveryCodesForm


def qr_code(uri: str) -> str:
    """The otpauth:// address as a QR code, an SVG data: URI for an <img> (the CSP allows
    data: images; no script draws it)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, light="#fff")


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor():
    status = service.status(current_user.id)
    if status.enabled:
        return render_template("account/two_factor.html", status=status,
                               disable_form=DisableTwoFactorForm(),
                               codes_form=RecoveryCodesForm())
    form = ConfirmTwoFactorForm()
    if form.validate_on_submit():
        try:
            codes = service.confirm_setup(current_user.id, form.code.data, clock.now())
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            return _show_codes(codes, "Two-factor sign-in is on.")
    setup = service.begin_setup(current_user.id)
    response = render_template("account/two_factor.html", status=status, form=form,
                               qr_code=qr_code(setup.uri), secret=grouped(setup.secret))
    return response, 400 if form.errors or form.form_errors else 200


@bp.post("/two-factor/disable")
@login_required
def disable_two_factor():
    form = DisableTwoFactorForm()
    if form.validate_on_submit():
        try:
            service.disable(current_user.id, form.password.data, clock.now())
        except ServiceError as exc:
            throttle.refused_password(exc, current_user.email)
            attach_error(form, exc)
        else:
            flash("Two-factor sign-in is off: your password alone signs you in.", "success")
            return redirect(url_for(".two_factor"))
    return _refused(disable_form=form, codes_form=RecoveryCodesForm())


@bp.post("/two-factor/recovery-codes")
@login_required
def recovery_codes():
    form = RecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = service.regenerate_recovery_codes(current_user.id, form.password.data,
                                                         clock.now())
        except ServiceError as exc:
            throttle.refused_password(exc, current_user.email)
            attach_error(form, exc)
        else:
            return _show_codes(codes, "New recovery codes: the old ones no longer work.")
    return _refused(disable_form=DisableTwoFactorForm(), codes_form=form)


def _show_codes(codes: list[str], heading: str):
    return render_template("account/recovery_codes.html", codes=codes, heading=heading)


def _refused(**forms):
    status = service.status(current_user.id)
    if not status.enabled:
        return redirect(url_for(".two_factor"))
    return render_template("account/two_factor.html", status=status, **forms), 400
