"""The leads' pages: calibration and reference answers, and deciding appeals."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import clock
from ...services import ServiceError, appeals, calibration, exam_pages, grading
from ..auth import role_required
from ..errors import status_of
from .blueprint import bp, posted_levels


@bp.get("/calibration")
@role_required("lead")
def calibration_report():
    return render_template("grading/calibration.html", report=calibration.report(),
                           candidates=calibration.reference_candidates())


@bp.post("/tasks/<int:task_id>/reference")
@role_required("lead")
def make_reference(task_id: int):
    calibration.mark_reference(task_id, current_user.id, clock.now())
    flash(f"Task {task_id} is now a reference answer; graders will meet it unmarked.",
          "success")
    return redirect(url_for(".calibration_report"))


@bp.get("/appeals")
@role_required("lead")
def appeal_list():
    return render_template("grading/appeals.html",
                           appeals=appeals.pending_for_lead(current_user.id))


def _not_yours(exc: ServiceError):
    """A lead who may not decide an appeal (they graded or wrote the answer) is sent back to
    the list, where it shows under "Graded by you", with the reason."""
    flash(exc.message, "error")
    return redirect(url_for(".appeal_list"))


def _appeal_page(found, **shown) -> str:
    return render_template("grading/appeal.html", appeal=found,
                           task=grading.view_of(appeals.task_of(found), show_grades=True),
                           keys_hidden=_keys_hidden(found), **shown)


def _keys_hidden(found) -> bool:
    """Whether the applicant is not shown this assessment's keys: the note must not quote
    them."""
    attempt = appeals.task_of(found).response.attempt
    return not exam_pages.visibility(attempt, clock.now()).keys


@bp.get("/appeals/<int:appeal_id>")
@role_required("lead")
def appeal(appeal_id: int):
    try:
        found = appeals.appeal_for_lead(appeal_id, current_user.id)
    except ServiceError as exc:
        if exc.code != "not_independent":
            raise
        return _not_yours(exc)
    return _appeal_page(found, chosen={}, note="")


@bp.post("/appeals/<int:appeal_id>")
@role_required("lead")
def decide_appeal(appeal_id: int):
    change = request.form.get("decision") == "change"
    levels = posted_levels(request.form)
    note = request.form.get("note", "")
    try:
        appeals.decide(appeal_id, current_user.id, change=change, levels=levels, note=note,
                       now=clock.now())
    except ServiceError as exc:
        if exc.code == "not_independent":
            return _not_yours(exc)
        if status_of(exc) != 422:
            raise
        found = appeals.appeal_for_lead(appeal_id, current_user.id)
        return _appeal_page(found, chosen=levels, note=note, error=exc), 422
    flash("Appeal decided; the applicant sees the decision on their results page.", "success")
    return redirect(url_for(".appeal_list"))
