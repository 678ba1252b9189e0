"""User administration: search, one account's record and log, role, disable and enable,
two-factor sign-in off."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ... import clock
from ...models import ROLES
from ...services import ServiceError, user_admin
from ..auth import role_required
from .blueprint import bp
from .user_forms import DisableForm, EnableForm, RoleForm, TurnOffTwoFactorForm


@bp.get("/users")
@role_required("admin")
def users():
    text = request.args.get("q", "")[:254]
    role = request.args.get("role", "")
    if role not in ROLES:
        role = ""
    page = request.args.get("page", "1")
    found = user_admin.search_users(text, role or None,
                                    int(page) if page.isdigit() and len(page) < 7 else 1)
    return render_template("admin/users.html", found=found, q=text, role=role, roles=ROLES)


@bp.get("/users/<int:user_id>")
@role_required("admin")
def user_page(user_id: int):
    try:
        record = user_admin.user_record(user_id)
    except ServiceError:
        abort(404)
    return render_template("admin/user.html", record=record,
                           role_form=RoleForm(role=record.user.role),
                           disable_form=DisableForm(), enable_form=EnableForm(),
                           two_factor_form=TurnOffTwoFactorForm())


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def change_role(user_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        _apply(lambda: user_admin.set_role(current_user.id, user_id, form.role.data,
                                           clock.now()), f"The role is now {form.role.data}.")
    else:
        flash("Choose one of the roles.", "error")
    return redirect(url_for(".user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/disable")
@role_required("admin")
def disable_user(user_id: int):
    if DisableForm().validate_on_submit():
        _apply(lambda: user_admin.set_active(current_user.id, user_id, False, clock.now()),
               "The account is disabled and every session of it is signed out.")
    return redirect(url_for(".user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/enable")
@role_required("admin")
def enable_user(user_id: int):
    if EnableForm().validate_on_submit():
        _apply(lambda: user_admin.set_active(current_user.id, user_id, True, clock.now()),
               "The account is enabled.")
    return redirect(url_for(".user_page", user_id=user_id))


@bp.post("/users/<int:user_id>/two-factor/disable")
@role_required("admin")
def turn_off_two_factor(user_id: int):
    """For a lost phone (and lost recovery codes): the password alone signs in again."""
    if TurnOffTwoFactorForm().validate_on_submit():
        _apply(lambda: user_admin.turn_off_two_factor(current_user.id, user_id, clock.now()),
               "Two-factor sign-in is off for this account.")
    return redirect(url_for(".user_page", user_id=user_id))


def _apply(change, success: str) -> None:
    try:
        change()
    except ServiceError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(exc.message, "error")
    else:
        flash(success, "success")
