"""The applicant's exam: instructions, start, one item per page, autosave, review, submit,
results. Views parse, authorise, call one service and render; the services own the clock
rules and every write."""
from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from . import clock
from .auth import session_user_id, unauthorized
from .errors import error_response, status_of
from .services import ServiceError, appeals, attempts, exam_pages

bp = Blueprint("exam", __name__)

# Form fields that steer the page rather than carry the answer.
CONTROL_FIELDS = {"csrf_token", "revision", "action", "flagged"}


@bp.get("/assessments/<slug>")
@login_required
def instructions(slug: str):
    info = exam_pages.instructions(slug, current_user.id, clock.now())
    return render_template("exam/instructions.html", info=info,
                           version=info.assessment.latest)


@bp.post("/assessments/<slug>/start")
@login_required
def start(slug: str):
    try:
        attempt = attempts.start_attempt(current_user.id, slug, clock.now())
    except ServiceError as exc:
        if status_of(exc) == 404 or request.is_json:
            raise
        flash(exc.message, "error")
        return redirect(url_for(".instructions", slug=slug))
    return redirect(url_for(".item", attempt_id=attempt.id, position=_resume_position(attempt)))


def _resume_position(attempt) -> int:
    unseen = [r.position for r in attempt.responses if r.first_seen_at is None]
    return unseen[0] if unseen else 1


@bp.get("/attempts/<int:attempt_id>")
@login_required
def resume(attempt_id: int):
    attempt = attempts.visit(attempt_id, current_user.id, clock.now())
    if attempt.status != "in_progress":
        return redirect(url_for(".results", attempt_id=attempt_id))
    return redirect(url_for(".item", attempt_id=attempt_id, position=_resume_position(attempt)))


@bp.get("/attempts/<int:attempt_id>/items/<int:position>")
@login_required
def item(attempt_id: int, position: int):
    now = clock.now()
    attempt = attempts.visit(attempt_id, current_user.id, now, position)
    if attempt.status != "in_progress":
        flash(_closed_message(attempt), "info")
        return redirect(url_for(".results", attempt_id=attempt_id))
    return render_template("exam/item.html", page=exam_pages.item_page(attempt, position, now))


@bp.post("/attempts/<int:attempt_id>/items/<int:position>")
@login_required
def save_form(attempt_id: int, position: int):
    """The no-JavaScript path: save the whole form, then go where the pressed button says."""
    now = clock.now()
    action = request.form.get("action", "save")
    form = {k: v for k, v in request.form.to_dict(flat=False).items() if k not in CONTROL_FIELDS}
    flagged = {"flag": True, "unflag": False}.get(action)
    try:
        result = attempts.save_answer(
            attempt_id, current_user.id, position, None, _int(request.form.get("revision")),
            now, form=form, flagged=flagged, check=action == "check")
    except ServiceError as exc:
        if status_of(exc) == 404:
            raise
        attempt = attempts.visit(attempt_id, current_user.id, now, position)
        page = exam_pages.item_page(attempt, position, now, echo=form)
        return render_template("exam/item.html", page=page, error=exc), status_of(exc)
    if result.refused:
        flash(result.message, "info")
        return redirect(url_for(".results", attempt_id=attempt_id))
    # A stale post that carries exactly the saved answer (an autosave of the same text got
    # there first) lost nothing: go where the button says.
    if not result.accepted and not getattr(result, "same_as_saved", False):
        flash("A newer version of this answer was already saved (perhaps in another tab); "
              "it is shown here.", "info")
        return redirect(url_for(".item", attempt_id=attempt_id, position=position))
    return redirect(_destination(attempt_id, position, action))


def _destination(attempt_id: int, position: int, action: str) -> str:
    if action == "next":
        return url_for(".item", attempt_id=attempt_id, position=position + 1)
    if action == "prev":
        return url_for(".item", attempt_id=attempt_id, position=max(1, position - 1))
    if action == "review":
        return url_for(".review", attempt_id=attempt_id)
    if action.startswith("goto-") and action[5:].isdecimal():
        return url_for(".item", attempt_id=attempt_id, position=int(action[5:]))
    return url_for(".item", attempt_id=attempt_id, position=position)


@bp.post("/attempts/<int:attempt_id>/items/<int:position>/autosave")
def autosave(attempt_id: int, position: int):
    """JSON: ``{"revision": n, "answer": {...}}`` or ``{"revision": n, "form": {name: [values]}}``.

    The hot path: the service checks owner and account in its one lookup, so the user is
    not loaded separately.
    """
    user_id = session_user_id()
    if user_id is None:
        return unauthorized()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error_response(400, "malformed_json", "Expected a JSON object with revision and "
                                                     "answer.")
    form = body.get("form")
    if form is not None and not _is_form(form):
        return error_response(400, "invalid_form", "form must map field names to lists of text.",
                              "form")
    if form is None and "answer" not in body:
        return error_response(400, "missing_answer", "Send the answer (or form) to save.",
                              "answer")
    result = attempts.save_answer(attempt_id, user_id, position, body.get("answer"),
                                  body.get("revision"), clock.now(), form=form)
    if result.refused:  # the attempt closed first: kept in the history, not applied
        return jsonify(error={"code": result.refused, "field": None, "message": result.message},
                       saved_revision=result.saved_revision, seconds_left=0), 409
    if not result.accepted:
        return jsonify(error={"code": "stale_revision", "field": "revision",
                              "message": f"Revision {body['revision']} is older than the saved "
                                         f"revision {result.saved_revision}; it was not applied."},
                       saved_revision=result.saved_revision,
                       seconds_left=result.seconds_left), 409
    return jsonify(status="saved", saved_revision=result.saved_revision,
                   seconds_left=result.seconds_left, complete=result.complete)


def _is_form(form) -> bool:
    return isinstance(form, dict) and all(
        isinstance(values, list) and all(isinstance(v, str) for v in values)
        for values in form.values())


@bp.get("/attempts/<int:attempt_id>/clock")
@login_required
def clock_state(attempt_id: int):
    state = attempts.clock_state(attempt_id, current_user.id, clock.now())
    return jsonify(status=state.status, seconds_left=state.seconds_left,
                   deadline=state.deadline_at.isoformat() if state.deadline_at else None)


@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    now = clock.now()
    attempt = attempts.visit(attempt_id, current_user.id, now)
    if attempt.status != "in_progress":
        return redirect(url_for(".results", attempt_id=attempt_id))
    return render_template("exam/review.html", page=exam_pages.review_page(attempt, now))


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
        return render_template("exam/review.html", page=exam_pages.review_page(attempt, now),
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
    return render_template("exam/results.html", page=exam_pages.results_page(attempt, now))


@bp.post("/attempts/<int:attempt_id>/appeal")
@login_required
def appeal(attempt_id: int):
    task_id = _int(request.form.get("task_id"))
    try:
        appeals.file_appeal(attempt_id, current_user.id, task_id or 0,
                            request.form.get("reason", ""), clock.now())
    except ServiceError as exc:
        if status_of(exc) == 404 and exc.field is None:
            raise
        now = clock.now()
        attempt = attempts.visit(attempt_id, current_user.id, now)
        return render_template("exam/results.html", page=exam_pages.results_page(attempt, now),
                               appeal_error=exc.message, chosen_task=task_id,
                               reason=request.form.get("reason", "")), status_of(exc)
    flash("Your appeal was sent. A lead who did not grade the answer will decide it; the "
          "decision will appear on this page.", "success")
    return redirect(url_for(".results", attempt_id=attempt_id))


def _closed_message(attempt) -> str:
    if attempt.finalised_by in ("deadline", "sweep"):
        return "Time is up. Your attempt was submitted with your last saved answers."
    return "This attempt has been submitted."


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
