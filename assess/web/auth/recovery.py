"""Links by mail: resetting a forgotten password (/auth/reset) and confirming a new account's
address (/auth/confirm). Asking for a link answers the same whether or not the address has
an account; a link that expired, was used or was tampered with gets a page that says so and
offers a new one."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ... import clock
from ...services import ServiceError, email_addresses, password_reset
from ...settings import settings
from ..errors import status_of
from .forms import attach_error
from .links import mail_links
from .recovery_forms import LinkRequestForm, NewPasswordForm
from .routes import bp


def link_problem(exc: ServiceError, again_url: str, again_text: str):
    """The page for a link that no longer works: 410 (expired, used) or 400 (not valid)."""
    return render_template("auth/link_problem.html", message=exc.message, again_url=again_url,
                           again_text=again_text), status_of(exc)


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = LinkRequestForm()
    if form.validate_on_submit():
        password_reset.ask_for_reset(form.email.data, now=clock.now(), links=mail_links())
        return render_template("auth/link_sent.html", what="reset",
                               minutes=int(settings().password_reset_minutes))
    status = 400 if form.errors else 200
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = NewPasswordForm()
    again = url_for(".reset_request"), "Ask for a new link"
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data, now=clock.now(),
                                          min_length=settings().password_min_length,
                                          links=mail_links())
        except ServiceError as exc:
            if exc.code.startswith("link_"):
                return link_problem(exc, *again)
            attach_error(form, exc)
        else:
            flash("Your password is changed and every session of your account is signed "
                  "out. Sign in with the new password.", "success")
            return redirect(url_for(".login"))
    elif not form.errors:  # a first visit: say at once if the link no longer works
        try:
            password_reset.user_for(token, clock.now())
        except ServiceError as exc:
            return link_problem(exc, *again)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/reset_password.html", form=form,
                           min_length=settings().password_min_length), status


@bp.route("/confirm", methods=["GET", "POST"])
def resend_confirmation():
    form = LinkRequestForm()
    if form.validate_on_submit():
        email_addresses.ask_for_confirmation(form.email.data, now=clock.now(),
                                             links=mail_links())
        return render_template("auth/link_sent.html", what="confirm",
                               hours=int(settings().email_confirmation_hours))
    status = 400 if form.errors else 200
    return render_template("auth/confirm_request.html", form=form), status


@bp.get("/confirm/<token>")
def confirm_email(token: str):
    try:
        email_addresses.confirm_registration(token, now=clock.now())
    except ServiceError as exc:
        return link_problem(exc, url_for(".resend_confirmation"),
                            "Ask for a new confirmation link")
    flash("Your address is confirmed. You can sign in now.", "success")
    return redirect(url_for(".login"))
