"""The home page: the catalogue of assessments; and the site icon where browsers look for it."""
from __future__ import annotations

from flask import current_app, render_template, send_from_directory
from flask_login import current_user, login_required

from ... import clock
from ...services.catalogue import catalogue
from .blueprints import main as bp


@bp.get("/")
@login_required
def index():
    domains = catalogue(current_user.id, clock.now())
    return render_template("applicant/catalogue.html", domains=domains)


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; pages also link the SVG."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)
