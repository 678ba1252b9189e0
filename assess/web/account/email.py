"""/account/email: changing the account's address, which takes effect only through a link
mailed to the new address and opened while signed in as the account."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from ... import clock
from ...services import ServiceError, email_addresses
from ...settings import settings
from .. import throttle
from ..auth import attach_error
from ..auth.links import mail_links
from ..auth.recovery import link_problem
from .routes import bp


class EmailChangeForm(FlaskForm):
    email = EmailField("New email address", validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "email"})
    current_password = PasswordField("Current password",
                                     validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Send the confirmation link")


@bp.route("/email", methods=["GET", "POST"])
@login_required
def email():
    form = EmailChangeForm()
    if form.validate_on_submit():
        try:
            new_email = email_addresses.request_change(
                current_user.id, form.email.data, form.current_password.data,
                now=clock.now(), links=mail_links())
        except ServiceError as exc:
            throttle.refused_password(exc, current_user.email)
            attach_error(form, exc)
        else:
            flash(f"We sent a link to {new_email}: open it within "
                  f"{int(settings().email_confirmation_hours)} hours, signed in as now, to "
                  f"make it your address. Until then it stays {current_user.email}.", "info")
            return redirect(url_for(".index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("account/email.html", form=form), status


@bp.get("/email/confirm/<token>")
@login_required
def confirm_email_change(token: str):
    try:
        user = email_addresses.confirm_change(current_user.id, token, now=clock.now())
    except ServiceError as exc:
        return link_problem(exc, url_for(".email"), "Ask for a new link")
    flash(f"Your address is now {user.email}.", "success")
    return redirect(url_for(".index"))
