"""/auth/two-factor: the second step of signing in, for accounts with two-factor sign-in
on (the first step, the password, leaves a pending marker: see pending.py). Wrong codes count
as failed sign-ins for the account's throttle."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import login_user

from ... import clock
from ...services import ServiceError
from ...services.two_factor import verify
from .. import throttle
from .forms import SecondStepForm, attach_error
from .pending import EXPIRED, PENDING, pending_user
from .routes import bp


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor():
    pending = pending_user()
    if pending is None:
        if session.pop(PENDING, None) is not None:
            flash(EXPIRED, "info")
        return redirect(url_for(".login"))
    user, marker = pending
    form = SecondStepForm()
    if request.method == "POST":
        refused = throttle.second_factor_refusal(user.email)
        if refused is not None:
            return refused
    if form.validate_on_submit():
        try:
            verified = verify(user.id, form.code.data, clock.now())
        except ServiceError as exc:
            throttle.record_failure(user.email)
            attach_error(form, exc)
        else:
            throttle.record_success(user.email)
            session.pop(PENDING, None)
            login_user(user, remember=marker.get("remember", False))
            if verified.method == "recovery_code":
                flash(f"You signed in with a recovery code: {verified.recovery_codes_left} "
                      "left. Make new ones on your account page if you are running out.",
                      "info")
            return redirect(marker.get("next") or url_for("main.index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/two_factor.html", form=form), status
