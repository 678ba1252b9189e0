"""The queue: filters, progress, and claiming the next task or adjudication."""
from __future__ import annotations

from flask import render_template, request, session
from flask_login import current_user

from ... import clock
from ...services import grading
from ..auth import role_required
from .blueprint import bp, go_to, saved_filter, skipped

KINDS = ("justification", "rewrite", "correction")


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
                                     "kind": kind if kind in KINDS else None}
        session["grading_skipped"] = []
    now = clock.now()
    return render_template(
        "grading/queue.html", where=saved_filter(), filters=grading.queue_filters(),
        progress=grading.progress(current_user.id, now, saved_filter()),
        adjudications=grading.adjudication_count(current_user.id, now)
        if current_user.has_role("lead") else None)


@bp.post("/claim")
@role_required("grader")
def claim():
    return go_to(grading.claim_next(current_user.id, clock.now(), saved_filter(), skipped()))


@bp.post("/adjudication/claim")
@role_required("lead")
def claim_adjudication():
    return go_to(grading.claim_adjudication(current_user.id, clock.now()))
