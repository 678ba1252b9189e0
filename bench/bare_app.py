"""The baseline for the autosave benchmark: a bare Flask + Flask-SQLAlchemy app.

One table (key, answer JSON, revision) and ``POST /save/<key>``, which upserts one row
through the ORM the plain way (get, create or update, commit) and answers JSON. It runs on
the same kind of database as the measured app, with the same SQLite settings (WAL,
synchronous=NORMAL, 5 s busy timeout), so the ratio autosave/baseline compares the work the
endpoints do, not the setup.

Run it under gunicorn from this folder: ``BARE_DATABASE_URL=... gunicorn 'bare_app:create_app()'``.
"""
from __future__ import annotations

import os
import sqlite3
from typing import Any

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, String, event, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class SavedAnswer(db.Model):
    __tablename__ = "bare_answers"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    answer: Mapped[dict[str, Any] | None] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"))
    revision: Mapped[int]


def create_app(database_url: str | None = None) -> Flask:
    """The gunicorn factory; the database comes from ``BARE_DATABASE_URL``."""
    app = Flask(__name__)
    url = database_url or os.environ["BARE_DATABASE_URL"]
    app.config["SQLALCHEMY_DATABASE_URI"] = url.replace("postgresql://", "postgresql+psycopg://", 1)
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 5}}
    db.init_app(app)

    @app.post("/save/<key>")
    def save(key: str):
        body = request.get_json(silent=True) or {}
        row = db.session.get(SavedAnswer, key)
        if row is None:
            row = SavedAnswer(key=key)
            db.session.add(row)
        row.answer = body.get("answer")
        row.revision = int(body.get("revision") or 0)
        db.session.commit()
        return jsonify(status="saved", key=key, saved_revision=body.get("revision"))

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The same pragmas the assess app sets."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
