"""Finishing an exam: the review page, submitting, results and the appeal filed from them."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import clock
from ...services import ServiceError, appeals, attempts, exam_pages
from ..errors import error_response, status_of
from .blueprints import exam as bp
from .form_input import int_or_none


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    now = clock.now()
    attempt = attempts.visit(attempt_id, current_user.id, now)
    if attempt.status != "in_progress":
        return redirect(url_for(".results", attempt_id=attempt_id))
    return render_template("applicant/review.html", page=exam_pages.review_page(attempt, now))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    now = clock.now()
    if request.is_json:
        body = request.get_json(silent=True)
        if body is None:
            return error_response(400, "malformed_json", "Expected a JSON object such as "
                                                         '{"confirm": true}.')
        confirmed = isinstance(body, dict) and body.get("confirm") is True
    else:
        confirmed = request.form.get("confirm") == "yes"
    if not confirmed:
        attempt = attempts.visit(attempt_id, current_user.id, now)
        if attempt.status != "in_progress":  # already submitted: nothing to confirm
            return redirect(url_for(".results", attempt_id=attempt_id))
        message = "Tick the box to confirm that you want to submit."
        if request.is_json:
            return error_response(422, "not_confirmed", message, "confirm")
        return render_template("applicant/review.html",
                               page=exam_pages.review_page(attempt, now),
                               confirm_error=message), 422
    attempt = attempts.submit(attempt_id, current_user.id, now)
    if request.is_json:
        return jsonify(status=attempt.status, finalised_by=attempt.finalised_by,
                       results=url_for(".results", attempt_id=attempt_id))
    return redirect(url_for(".results", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>/results")
@login_required
def results(attempt_id: int):
    now = clock.now()
    attempt = attempts.visit(attempt_id, current_user.id, now)
    if attempt.status == "in_progress":
        return redirect(url_for(".review", attempt_id=attempt_id))
    return render_template("applicant/results.html",
                           page=exam_pages.results_page(attempt, now))


@bp.post("/attempts/<int:attempt_id>/appeal")
@login_required
def appeal(attempt_id: int):
    task_id = int_or_none(request.form.get("task_id"))
    try:
        appeals.file_appeal(attempt_id, current_user.id, task_id or 0,
                            request.form.get("reason", ""), clock.now())
    except ServiceError as exc:
        if status_of(exc) == 404 and exc.field is None:
            raise
        now = clock.now()
        attempt = attempts.visit(attempt_id, current_user.id, now)
        return render_template("applicant/results.html",
                               page=exam_pages.results_page(attempt, now),
                               appeal_error=exc.message, chosen_task=task_id,
                               reason=request.form.get("reason", "")), status_of(exc)
    flash("Your appeal was sent. A lead who did not grade the answer will decide it; the "
          "decision will appear on this page.", "success")
    return redirect(url_for(".results", attempt_id=attempt_id))
