"""Taking an exam: instructions, start, resume, one item per page and its no-JavaScript save.
The services own the clock rules and every write."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ... import clock
from ...services import ServiceError, attempts, exam_pages
from ..errors import status_of
from .blueprints import exam as bp
from .form_input import CONTROL_FIELDS, int_or_none


@bp.get("/assessments/<slug>")
@login_required
def instructions(slug: str):
    info = exam_pages.instructions(slug, current_user.id, clock.now())
    return render_template("applicant/instructions.html", info=info,
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
    return render_template("applicant/item.html",
                           page=exam_pages.item_page(attempt, position, now))


def _closed_message(attempt) -> str:
    if attempt.finalised_by in ("deadline", "sweep"):
        return "Time is up. Your attempt was submitted with your last saved answers."
    return "This attempt has been submitted."


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
            attempt_id, current_user.id, position, None,
            int_or_none(request.form.get("revision")), now, form=form, flagged=flagged,
            check=action == "check")
    except ServiceError as exc:
        if status_of(exc) == 404:
            raise
        attempt = attempts.visit(attempt_id, current_user.id, now, position)
        page = exam_pages.item_page(attempt, position, now, echo=form)
        return render_template("applicant/item.html", page=page, error=exc), status_of(exc)
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
