"""Regrading after a corrected gold key: the plan, then applying it."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from ... import clock
from ...services import ServiceError, regrade
from ..auth import role_required, session_user_id
from .blueprint import bp
from .forms import RegradeForm


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
