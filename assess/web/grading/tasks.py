"""The grading screen: show a task, grade or skip it, renew its lease."""
from __future__ import annotations

from flask import flash, jsonify, render_template, request, session
from flask_login import current_user

from ... import clock
from ...services import ServiceError, grading
from ..auth import role_required
from ..errors import status_of
from .blueprint import SKIPPED_KEPT, bp, go_to, posted_levels, saved_filter, skipped


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
        next_id = grading.skip(task_id, current_user.id, now, saved_filter(), skipped())
        session["grading_skipped"] = (skipped() + [task_id])[-SKIPPED_KEPT:]
        return go_to(next_id)
    levels = posted_levels(request.form)
    comment = request.form.get("comment", "")
    try:
        next_id = grading.submit_grade(task_id, current_user.id, levels, comment, now,
                                       saved_filter(), skipped())
    except ServiceError as exc:
        if status_of(exc) != 422:
            raise
        view = grading.task_view(task_id, current_user.id, now)
        return render_template("grading/task.html", task=view, chosen=levels, comment=comment,
                               error=exc), 422
    flash("Grade saved.", "success")
    return go_to(next_id)


@bp.post("/tasks/<int:task_id>/lease")
@role_required("grader")
def renew(task_id: int):
    now = clock.now()
    until = grading.renew_lease(task_id, current_user.id, now)
    return jsonify(lease_expires_at=until.isoformat(),
                   seconds_left=int((until - now).total_seconds()))
