"""Whether the database answers, for the health check."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db


def database_failure() -> str | None:
    """None when the database answers a trivial query; otherwise the error's class name."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        db.session.rollback()
        return type(exc).__name__
    return None
