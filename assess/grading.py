"""The graders' pages: the queue, the grading screen, lease renewal and, for leads,
adjudication. Blind by construction: nothing here names or links to the applicant."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user

from . import clock
from .auth import role_required
from .errors import status_of
from .services import ServiceError, appeals, calibration, exam_pages, grading
from .services.grading import QueueFilter

bp = Blueprint("grading", __name__, url_prefix="/grading")
SKIPPED_KEPT = 50


def _filter() -> QueueFilter:
    saved = session.get("grading_filter") or {}
    return QueueFilter(assessment_id=saved.get("assessment_id"), item_id=saved.get("item_id"),
                       kind=saved.get("kind"))


def _skipped() -> list[int]:
    return list(session.get("grading_skipped") or [])


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdecimal() else None


@bp.get("/")
@role_required("grader")
def queue():
    if "apply" in request.args:
        kind = request.args.get("kind") or None
        session["grading_filter"] = {"assessment_id": _int_arg("assessment_id"),
                                     "item_id": _int_arg("item_id"),
                                     "kind": kind if kind in ("justification", "rewrite",
                                                              "correction") else None}
        session["grading_skipped"] = []
    now = clock.now()
    return render_template(
        "grading/queue.html", where=_filter(), filters=grading.queue_filters(),
        progress=grading.progress(current_user.id, now, _filter()),
        adjudications=grading.adjudication_count(current_user.id, now)
        if current_user.has_role("lead") else None)


@bp.post("/claim")
@role_required("grader")
def claim():
    task_id = grading.claim_next(current_user.id, clock.now(), _filter(), _skipped())
    return _go_to(task_id)


@bp.post("/adjudication/claim")
@role_required("lead")
def claim_adjudication():
    return _go_to(grading.claim_adjudication(current_user.id, clock.now()))


def _go_to(task_id: int | None):
    if task_id is None:
        flash("Nothing left to grade here for now. Change the filters or come back later.",
              "info")
        return redirect(url_for(".queue"))
    return redirect(url_for(".task", task_id=task_id))


@bp.get("/tasks/<int:task_id>")
@role_required("grader")
def task(task_id: int):
    view = grading.task_view(task_id, current_user.id, clock.now())
    return render_template("grading/task.html", task=view, chosen={}, comment="")


@bp.post("/tasks/<int:task_id>")
@role_required("grader")
def grade(task_id: int):
    now = clock.now()
    if request.form.get("action") == "skip":
        # Remember the skip only once it happened: a refused skip (a task this grader does not
        # hold) must not hide that task from them later.
        next_id = grading.skip(task_id, current_user.id, now, _filter(), _skipped())
        session["grading_skipped"] = (_skipped() + [task_id])[-SKIPPED_KEPT:]
        return _go_to(next_id)
    levels = {key[len("level."):]: value for key, value in request.form.items()
              if key.startswith("level.")}
    comment = request.form.get("comment", "")
    try:
        next_id = grading.submit_grade(task_id, current_user.id, levels, comment, now,
                                       _filter(), _skipped())
    except ServiceError as exc:
        if status_of(exc) != 422:
            raise
        view = grading.task_view(task_id, current_user.id, now)
        return render_template("grading/task.html", task=view, chosen=levels, comment=comment,
                               error=exc), 422
    flash("Grade saved.", "success")
    return _go_to(next_id)


@bp.post("/tasks/<int:task_id>/lease")
@role_required("grader")
def renew(task_id: int):
    now = clock.now()
    until = grading.renew_lease(task_id, current_user.id, now)
    return jsonify(lease_expires_at=until.isoformat(),
                   seconds_left=int((until - now).total_seconds()))


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


@bp.get("/appeals/<int:appeal_id>")
@role_required("lead")
def appeal(appeal_id: int):
    try:
        found = appeals.appeal_for_lead(appeal_id, current_user.id)
    except ServiceError as exc:
        if exc.code != "not_independent":
            raise
        return _not_yours(exc)
    return render_template("grading/appeal.html", appeal=found,
                           task=grading.view_of(appeals.task_of(found), show_grades=True), chosen={},
                           note="", keys_hidden=_keys_hidden(found))


def _keys_hidden(found) -> bool:
    """Whether the applicant is not shown this assessment's keys: the note must not quote
    them."""
    attempt = appeals.task_of(found).response.attempt
    return not exam_pages.visibility(attempt, clock.now()).keys


@bp.post("/appeals/<int:appeal_id>")
@role_required("lead")
def decide_appeal(appeal_id: int):
    change = request.form.get("decision") == "change"
    levels = {key[len("level."):]: value for key, value in request.form.items()
              if key.startswith("level.")}
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
        return render_template("grading/appeal.html", appeal=found,
                               task=grading.view_of(appeals.task_of(found), show_grades=True),
                               chosen=levels, note=note, error=exc,
                               keys_hidden=_keys_hidden(found)), 422
    flash("Appeal decided; the applicant sees the decision on their results page.", "success")
    return redirect(url_for(".appeal_list"))
