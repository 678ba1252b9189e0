"""Administration: accounts and their exam-time accommodations, and regrading after a
corrected gold key."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, StopValidation

from . import clock
from .auth import attach_error, role_required, session_user_id
from .services import ServiceError, accounts, regrade
from .services.banks import GUESS_WARNING, guessing_reports
from .services.accounts import MAX_EXTRA_MINUTES, MAX_MULTIPLIER

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _finite(form, field) -> None:
    """NumberRange cannot compare a signalling NaN ("sNaN" parses as a Decimal) and fails."""
    if field.data is not None and not field.data.is_finite():
        raise StopValidation("Enter a number.")


class AccommodationForm(FlaskForm):
    extra_minutes = IntegerField("Extra minutes", default=0, validators=[
        InputRequired(), NumberRange(0, MAX_EXTRA_MINUTES)])
    multiplier = DecimalField("Time multiplier", default=1, places=2, validators=[
        InputRequired(), _finite, NumberRange(1, MAX_MULTIPLIER)])
    submit = SubmitField("Save accommodation")


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", users=accounts.users_page())


@bp.route("/users/<int:user_id>/accommodation", methods=["GET", "POST"])
@role_required("admin")
def accommodation(user_id: int):
    user = accounts.get_user(user_id)
    if user is None:
        return render_template("error.html", status=404, message="No such user."), 404
    form = AccommodationForm(extra_minutes=user.accommodation_extra_minutes,
                             multiplier=user.accommodation_multiplier)
    if form.validate_on_submit():
        try:
            accounts.set_accommodation(user_id, form.extra_minutes.data,
                                       float(form.multiplier.data))
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            flash(f"Saved: {user.email} now gets {float(form.multiplier.data):g}× the time "
                  f"plus {form.extra_minutes.data} minute(s) on attempts started from now on.",
                  "success")
            return redirect(url_for(".users"))
    return render_template("admin/accommodation.html", form=form, user=user), \
        422 if form.errors or form.form_errors else 200


class RegradeForm(FlaskForm):
    item = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Apply: rescore these attempts")


@bp.get("/regrade")
@role_required("admin")
def regrade_page():
    item = request.args.get("item", "").strip()
    plan = None
    if item:
        try:
            plan = regrade.plan(item, clock.now())
        except ServiceError as exc:
            flash(exc.message, "error")
    return render_template("admin/regrade.html", outdated=regrade.outdated_items(), plan=plan,
                           form=RegradeForm(item=item))


@bp.post("/regrade")
@role_required("admin")
def regrade_apply():
    form = RegradeForm()
    if not form.validate_on_submit():
        flash("Choose an item to regrade.", "error")
        return redirect(url_for(".regrade_page"))
    try:
        done = regrade.apply(form.item.data, session_user_id(), clock.now())
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".regrade_page", item=form.item.data))
    flash(f"Regraded {form.item.data}: {done.checked} answer(s) graded again, "
          f"{len(done.changes)} attempt(s) rescored, each change logged; certificates "
          "were reissued or revoked to match.", "success")
    return redirect(url_for(".regrade_page"))


@bp.get("/assessments")
@role_required("admin")
def assessments():
    reports = guessing_reports(samples=current_app.config["GUESS_SAMPLES"])
    return render_template("admin/assessments.html", reports=reports, threshold=GUESS_WARNING)
