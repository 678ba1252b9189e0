"""Administration: accounts and their exam-time accommodations, and regrading after a
corrected gold key."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DecimalField, HiddenField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, StopValidation

from . import clock
from .auth import attach_error, role_required, session_user_id
from .services import ServiceError, accounts, exposure, regrade
from .services import overview as overview_service
from .core import strategies as strategy_rules
from .services import banks as bank_service
from .services import analysis as analysis_service
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


@bp.get("/assessments/<slug>/strategies")
@role_required("admin")
def strategies(slug: str):
    page = bank_service.strategy_page(slug)
    return render_template("admin/strategies.html", page=page, bars=strategy_rules)


@bp.get("/assessments")
@role_required("admin")
def assessments():
    reports = guessing_reports(samples=current_app.config["GUESS_SAMPLES"])
    return render_template("admin/assessments.html", reports=reports, threshold=GUESS_WARNING)


@bp.get("/exposure")
@role_required("admin")
def exposure_page():
    """How many attempts showed each item and item version."""
    return render_template("admin/exposure.html", banks=exposure.exposure_counts())


@bp.get("/assessments/<slug>/overview")
@role_required("admin")
def overview(slug: str):
    """Charts of an assessment's scores, tiers, funnel and items, each over a table of the
    same numbers (the page is whole without JavaScript or the chart library)."""
    result = overview_service.overview(slug)
    return render_template(
        "admin/overview.html", overview=result, chart_data=result.chart_data(),
        charts_available=overview_service.charts_available(current_app.static_folder),
        chart_library=overview_service.CHART_LIBRARY)


@bp.get("/assessments/<slug>/overview.csv")
@role_required("admin")
def overview_csv(slug: str):
    table = request.args.get("table", "")
    if table not in overview_service.TABLES:
        raise ServiceError(f"Choose a table: {', '.join(overview_service.TABLES)}.",
                           code="not_found", field="table")
    result = overview_service.overview(slug, with_items=table == "items")
    return current_app.response_class(
        overview_service.overview_csv(result, table), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'})


# ---- item analysis ------------------------------------------------------------------------------

def _first_attempts_only() -> bool:
    """``?attempts=all`` includes every attempt; anything else means first attempts only."""
    return request.args.get("attempts", "first") != "all"


@bp.get("/assessments/<slug>/analysis")
@role_required("admin")
def analysis(slug: str):
    """The test and item statistics; for an analysis of few responses every other table too,
    otherwise links to the two pages below, which compute theirs when opened."""
    first = _first_attempts_only()
    report = analysis_service.item_statistics(slug, first_attempts_only=first)
    shown = analysis_service.OPTIONAL if report.small else analysis_service.MAIN
    distractors = analysis_service.distractor_analysis(report) if report.small else None
    return render_template("admin/analysis.html", report=report, first=first, shown=shown,
                           distractors=distractors, tables=analysis_service.TABLES,
                           flag_labels=analysis_service.FLAGS)


@bp.get("/assessments/<slug>/analysis/details")
@role_required("admin")
def analysis_details(slug: str):
    """Parts, skills and rubric dimensions."""
    first = _first_attempts_only()
    report = analysis_service.item_statistics(slug, first_attempts_only=first,
                                              tables=analysis_service.OPTIONAL)
    return render_template("admin/analysis_details.html", report=report, first=first,
                           flag_labels=analysis_service.FLAGS)


@bp.get("/assessments/<slug>/analysis/distractors")
@role_required("admin")
def analysis_distractors(slug: str):
    """What was picked against the key, from the answers themselves."""
    first = _first_attempts_only()
    report, distractors = analysis_service.distractors(slug, first_attempts_only=first)
    return render_template("admin/analysis_distractors.html", report=report, first=first,
                           distractors=distractors, flag_labels=analysis_service.FLAGS)


@bp.get("/assessments/<slug>/analysis.csv")
@role_required("admin")
def analysis_csv(slug: str):
    first = _first_attempts_only()
    table = request.args.get("table", "items")
    text = analysis_service.export_csv(slug, table, first_attempts_only=first)
    response = current_app.response_class(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{analysis_service.csv_filename(slug, table, first)}"'
    return response
