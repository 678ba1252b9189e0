"""Liveness with the database checked, for load balancers and `make run`."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ...services import health

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    failure = health.database_failure()
    if failure is not None:
        return jsonify(status="error", database="unreachable", detail=failure), 503
    return jsonify(status="ok", database="ok")
