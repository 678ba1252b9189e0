"""The applicant's two blueprints, kept apart from the routes so several modules add to them:
``main`` (the catalogue and the applicant's certificates) and ``exam``."""
from __future__ import annotations

from flask import Blueprint

main = Blueprint("main", __name__)
exam = Blueprint("exam", __name__)
