"""Platforms and their API keys: register a platform, create a key (shown once), rotate it
with an optional overlap, revoke it, and see when each key was last used."""
from __future__ import annotations

from datetime import timedelta

from flask import flash, make_response, redirect, render_template, url_for

from ... import clock
from ...services import ServiceError, api_keys, platforms
from ..auth import attach_error, role_required
from .blueprint import bp
from .platform_forms import ApiKeyForm, PlatformForm, RevokeKeyForm, RotateForm


@bp.route("/platforms", methods=["GET", "POST"])
@role_required("admin")
def platform_list():
    form = PlatformForm()
    if form.validate_on_submit():
        try:
            made = platforms.create_platform(form.name.data, form.contact_email.data,
                                             clock.now())
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            flash(f"Registered {made.name}. Create its first API key below.", "success")
            return redirect(url_for(".platform_page", platform_id=made.id))
    return render_template("admin/platforms.html", platforms=platforms.platforms(), form=form,
                           now=clock.now(), status_of=api_keys.status_of), \
        422 if form.errors or form.form_errors else 200


@bp.route("/platforms/<int:platform_id>", methods=["GET", "POST"])
@role_required("admin")
def platform_page(platform_id: int):
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            issued = api_keys.create_key(platform_id, form.scopes.data, form.note.data or "",
                                         clock.now())
        except ServiceError as exc:
            attach_error(form, exc)
        else:
            return _shown_once(issued, "created")
    return render_template("admin/platform.html", platform=platforms.platform(platform_id),
                           form=form, now=clock.now(), status_of=api_keys.status_of), \
        422 if form.errors or form.form_errors else 200


@bp.post("/api-keys/<int:key_id>/rotate")
@role_required("admin")
def rotate_key(key_id: int):
    form = RotateForm()
    key = api_keys.key(key_id)
    if not form.validate_on_submit():
        flash("The overlap is a whole number of hours from 0 to 168.", "error")
        return redirect(url_for(".platform_page", platform_id=key.platform_id))
    try:
        issued = api_keys.rotate(key_id, clock.now(), timedelta(hours=form.overlap_hours.data))
    except ServiceError as exc:
        flash(exc.message, "error")
        return redirect(url_for(".platform_page", platform_id=key.platform_id))
    return _shown_once(issued, "rotated", old_prefix=key.prefix,
                       overlap_hours=form.overlap_hours.data)


@bp.post("/api-keys/<int:key_id>/revoke")
@role_required("admin")
def revoke_key(key_id: int):
    key = api_keys.key(key_id)
    if RevokeKeyForm().validate_on_submit():
        try:
            api_keys.revoke(key_id, clock.now())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(f"Key {key.prefix}… is revoked: requests with it now get 401.", "success")
    return redirect(url_for(".platform_page", platform_id=key.platform_id))


def _shown_once(issued: api_keys.IssuedKey, action: str, **context):
    """The full key, on this page only: never stored, never cached."""
    response = make_response(render_template(
        "admin/api_key_created.html", issued=issued, action=action,
        platform=platforms.platform(issued.key.platform_id), **context), 201)
    response.headers["Cache-Control"] = "no-store"
    return response
