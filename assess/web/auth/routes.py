"""Registration, sign in and sign out."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ... import clock
from ...services import ServiceError, account_settings, accounts
from ...settings import settings
from .. import throttle
from . import pending
from .forms import LoginForm, RegisterForm, attach_error
from .links import mail_links

bp = Blueprint("auth", __name__, url_prefix="/auth")

TAKEN_OR_NEW = ("If this address already has an account, we have mailed it: sign in with it, "
                "or reset its password.")


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    if target and not urlsplit(target).netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except ServiceError as exc:
            if exc.code == "bad_credentials":
                throttle.record_failure(form.email.data)
            form.form_errors.append(exc.message)
        else:
            if user.two_factor_enabled:  # not signed in yet: a code comes next (and only
                # the code's success forgets the account's failed tries)
                pending.start(user, form.remember.data, _safe_next(request.args.get("next")))
                return redirect(url_for(".two_factor"))
            throttle.record_success(form.email.data)
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if request.method == "GET" and request.args.get("email"):  # from an invitation link
        form.email.data = request.args["email"][:254]
    if form.validate_on_submit():
        try:
            user = accounts.register(form.email.data, form.name.data, form.password.data,
                                     now=clock.now(),
                                     min_length=settings().password_min_length,
                                     links=mail_links())
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            if settings().require_email_confirmation:  # new or taken: the same page
                return render_template("auth/link_sent.html", what="register",
                                       email=accounts.normalise_email(form.email.data),
                                       hours=int(settings().email_confirmation_hours))
            # A taken address is answered like a new account (same status and place), so
            # that registering tells no one which addresses have accounts.
            if user is None:
                flash(TAKEN_OR_NEW, "info")
            else:
                login_user(user)
                flash("Welcome! Your account is ready.", "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/register.html", form=form,
                           min_length=settings().password_min_length), status


@bp.post("/logout")
@login_required
def logout():
    account_settings.end_sessions(current_user.id)  # every copy of this session ends too
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
