"""A platform's invitation: the one-time link shows who invites the person to what; signed
in with the invited address, they accept, and their account is linked to the platform's
worker id."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SubmitField

from ... import clock
from ...services import ServiceError, invitations
from ..errors import status_of
from .blueprints import main as bp

# The token is a secret in the URL: no page it leads to may learn it, no cache may keep it.
PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


class AcceptForm(FlaskForm):
    submit = SubmitField("Accept the invitation")


@bp.get("/invitations/<token>")
def invitation(token: str):
    landing = invitations.landing(token, clock.now())
    response = make_response(render_template(
        "applicant/invitation.html", invitation=landing, token=token, form=AcceptForm()))
    response.headers.update(PRIVATE)
    return response


@bp.post("/invitations/<token>/accept")
@login_required
def accept_invitation(token: str):
    if not AcceptForm().validate_on_submit():
        return redirect(url_for(".invitation", token=token))
    try:
        landing = invitations.accept(token, current_user.id, clock.now())
    except ServiceError as exc:
        if status_of(exc) not in (403, 409):
            raise
        flash(exc.message, "error")
        return redirect(url_for(".invitation", token=token))
    flash(f"Invitation accepted: {landing.platform} now sees your results on assess.",
          "success")
    if landing.assessment_slug:
        return redirect(url_for("exam.instructions", slug=landing.assessment_slug))
    return redirect(url_for(".index"))
