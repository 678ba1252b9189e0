"""Exam-time accommodations (the user pages are in users.py)."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for

from ...services import ServiceError, accounts
from ..auth import attach_error, role_required
from .blueprint import bp
from .forms import AccommodationForm


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
