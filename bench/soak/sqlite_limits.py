"""The app as gunicorn serves it, plus a switch for the sqlite-full scenario: while the file
named by SOAK_SQLITE_SWITCH says ``full``, every connection handed out is limited to the
database's present size (``PRAGMA max_page_count``: SQLite then refuses to grow it with
SQLITE_FULL, "database or disk is full", as on a full disk); while it says ``readonly``,
connections refuse every write (``PRAGMA query_only``: "attempt to write a readonly
database"). Otherwise they are as the app made them. Only the soak loads this module."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy import event

UNLIMITED = 1073741823


def create_app():
    from assess import create_app as assess_app
    from assess.extensions import db

    app = assess_app()
    switch = Path(os.environ["SOAK_SQLITE_SWITCH"])
    with app.app_context():
        event.listen(db.engine, "checkout", lambda c, r, p: _apply(c, switch))
    return app


def _apply(connection, switch: Path) -> None:
    if not isinstance(connection, sqlite3.Connection):
        return
    try:
        state = switch.read_text().strip()
    except OSError:
        state = ""
    if state == "full":
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")
    else:
        connection.execute(f"PRAGMA max_page_count = {UNLIMITED}")
    connection.execute(f"PRAGMA query_only = {'ON' if state == 'readonly' else 'OFF'}")
