"""The home page: the catalogue of assessments."""
from flask import Blueprint, render_template
from flask_login import current_user, login_required

from . import clock
from .services.catalogue import catalogue

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def index():
    domains = catalogue(current_user.id, clock.now())
    return render_template("main/catalogue.html", domains=domains)
