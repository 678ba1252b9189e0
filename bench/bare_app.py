"""The baselines for the autosave benchmark: a bare Flask app with two endpoints.

One table (key, answer JSON, revision) and two ways to upsert one row of it, each answering
JSON:

- ``POST /save/<key>``: through Flask-SQLAlchemy's ORM the plain way (get, create or update,
  commit);
- ``POST /raw/<key>``: the floor of what a Flask app can do here: the raw driver (sqlite3 or
  psycopg), one ``INSERT ... ON CONFLICT DO UPDATE`` and a commit, on a connection kept per
  worker.

It runs on the same kind of database as the measured app, with the same SQLite settings (WAL,
synchronous=NORMAL, 5 s busy timeout), so the ratio autosave/baseline compares the work the
endpoints do, not the setup.

Run it under gunicorn from this folder: ``BARE_DATABASE_URL=... gunicorn 'bare_app:create_app()'``.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
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

    raw = RawUpsert(url)

    @app.post("/raw/<key>")
    def save_raw(key: str):
        body = request.get_json(silent=True) or {}
        revision = int(body.get("revision") or 0)
        raw.upsert(key, json.dumps(body.get("answer")), revision)
        return jsonify(status="saved", key=key, saved_revision=revision)

    @app.get("/healthz")
    def healthz():
        db.session.execute(text("SELECT 1"))
        return jsonify(status="ok")

    return app


class RawUpsert:
    """One statement through the raw driver, on one connection per worker thread."""

    SQL = ("INSERT INTO bare_answers (key, answer, revision) VALUES ({p}, {p}, {p}) "
           "ON CONFLICT (key) DO UPDATE SET answer = excluded.answer, "
           "revision = excluded.revision")

    def __init__(self, url: str):
        self.url = url
        self.sqlite = url.startswith("sqlite")
        self.sql = self.SQL.format(p="?" if self.sqlite else "%s")
        self.local = threading.local()

    def upsert(self, key: str, answer_json: str, revision: int) -> None:
        connection = getattr(self.local, "connection", None) or self._connect()
        connection.execute(self.sql, (key, answer_json, revision))
        connection.commit()

    def _connect(self):
        if self.sqlite:
            connection = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=5,
                                         check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        else:
            import psycopg

            connection = psycopg.connect(self.url.replace("+psycopg", "", 1))
        self.local.connection = connection
        return connection


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The same pragmas the assess app sets."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
