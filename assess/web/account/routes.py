"""/account: my attempts, changing the password, signing out every other session, choosing
the notification mails."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ... import clock
from ...services import ServiceError, account_settings
from ...services.my_attempts import my_attempts
from ...services.notifications import PREFERENCES
from ...settings import settings
from .. import throttle
from ..auth import attach_error
from ..auth.sessions import keep_signed_in
from .forms import NotificationsForm, PasswordChangeForm, SignOutEverywhereForm

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.get("")
@login_required
def index():
    return render_template("account/index.html",
                           attempts=my_attempts(current_user.id, clock.now()),
                           sign_out_form=SignOutEverywhereForm())


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = account_settings.change_password(
                current_user.id, form.current_password.data, form.password.data,
                now=clock.now(), min_length=settings().password_min_length)
        except ServiceError as exc:
            throttle.refused_password(exc, current_user.email)
            attach_error(form, exc)
        else:
            keep_signed_in(user)
            flash("Your password is changed. Every other session is signed out.", "success")
            return redirect(url_for(".index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("account/password.html", form=form,
                           min_length=settings().password_min_length), status


@bp.post("/sign-out-everywhere")
@login_required
def sign_out_everywhere():
    if SignOutEverywhereForm().validate_on_submit():
        keep_signed_in(account_settings.sign_out_everywhere(current_user.id, clock.now()))
        flash("Every other session of your account is signed out.", "success")
    return redirect(url_for(".index"))


@bp.route("/notifications", methods=["GET", "POST"])
@login_required
def notifications():
    form = NotificationsForm(obj=current_user)
    if form.validate_on_submit():
        account_settings.set_notifications(
            current_user.id, {name: form[name].data for name in PREFERENCES}, now=clock.now())
        flash("Your notification choices are saved.", "success")
        return redirect(url_for(".notifications"))
    status = 400 if form.errors else 200
    return render_template("account/notifications.html", form=form), status
