"""Registration, login, logout and the role guard every protected view uses."""
from __future__ import annotations

from functools import wraps
from urllib.parse import urlsplit

from flask import (Blueprint, abort, current_app, flash, redirect, render_template, request,
                   session, url_for)
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from . import clock
from .errors import error_response, wants_json
from .extensions import db, login_manager
from .models import User
from .services import ServiceError, accounts

bp = Blueprint("auth", __name__, url_prefix="/auth")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


@login_manager.unauthorized_handler
def unauthorized():
    """JSON clients (autosave) get a 401 they can act on; browsers go to the sign-in page."""
    if wants_json():
        return error_response(401, "unauthorized", "Your session has ended: sign in again. "
                                                   "Nothing you saved is lost.")
    flash(login_manager.login_message, "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def session_user_id() -> int | None:
    """The signed-in user's id read from the signed session without loading the user.

    Only for hot JSON endpoints whose service checks ownership and the account's state in
    its own query (autosave). Falls back to Flask-Login, so "remember me" still works.
    """
    user_id = session.get("_user_id")
    if isinstance(user_id, str) and user_id.isdigit():
        return int(user_id)
    return current_user.id if current_user.is_authenticated else None


def role_required(role: str):
    """Only signed-in users holding ``role`` (or a higher one) may pass."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class RegisterForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    submit = SubmitField("Create account")


def attach_error(form: FlaskForm, exc: ServiceError) -> None:
    """Show a service refusal next to the field it concerns, or above the form."""
    field = form._fields.get(exc.field or "")
    (field.errors if field is not None else form.form_errors).append(exc.message)


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
            form.form_errors.append(exc.message)
        else:
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(form.email.data, form.name.data, form.password.data,
                                     now=clock.now(),
                                     min_length=current_app.config["PASSWORD_MIN_LENGTH"])
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            login_user(user)
            flash("Welcome! Your account is ready.", "success")
            return redirect(url_for("main.index"))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("auth/register.html", form=form,
                           min_length=current_app.config["PASSWORD_MIN_LENGTH"]), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
