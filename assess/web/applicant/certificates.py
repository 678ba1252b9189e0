"""The applicant's own certificates: their tier per domain, the ladder and share links."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from ... import clock
from ...services import credential_pages
from .blueprints import main as bp


@bp.get("/me/certificates")
@login_required
def my_certificates():
    now = clock.now()
    return render_template("applicant/my_certificates.html", now=now,
                           domains=credential_pages.my_certificates(current_user.id, now))
