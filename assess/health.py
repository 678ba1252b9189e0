"""Liveness with the database checked, for load balancers and `make run`."""
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return jsonify(status="error", database="unreachable",
                       detail=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")
