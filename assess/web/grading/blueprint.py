"""The grading blueprint, and the queue filter and skipped tasks kept in the session."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, session, url_for

from ...services.grading import QueueFilter

bp = Blueprint("grading", __name__, url_prefix="/grading")
SKIPPED_KEPT = 50


def saved_filter() -> QueueFilter:
    saved = session.get("grading_filter") or {}
    return QueueFilter(assessment_id=saved.get("assessment_id"), item_id=saved.get("item_id"),
                       kind=saved.get("kind"))


def skipped() -> list[int]:
    return list(session.get("grading_skipped") or [])


def go_to(task_id: int | None):
    if task_id is None:
        flash("Nothing left to grade here for now. Change the filters or come back later.",
              "info")
        return redirect(url_for("grading.queue"))
    return redirect(url_for("grading.task", task_id=task_id))


def posted_levels(form) -> dict[str, str]:
    """The rubric levels a grading form posts as ``level.<dimension>``."""
    return {key[len("level."):]: value for key, value in form.items()
            if key.startswith("level.")}
