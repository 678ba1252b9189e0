"""Fixtures in the style of Flask's tutorial: app, client, runner, plus db helpers.

The suite runs on a fresh SQLite file per test by default, and on PostgreSQL when
TEST_DATABASE_URL is set (tables are created once and emptied after each test).
"""
from __future__ import annotations

import os

import pytest
from helpers import BANKS, FIXED_NOW

from assess import create_app
from assess.settings import reconfigure

_schema_ready = False


@pytest.fixture
def app(tmp_path):
    global _schema_ready
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test",
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "CLOCK": lambda: FIXED_NOW,
        "PUBLIC_URL": "https://assess.test",
        "SIGNING_KEYS_DIR": str(tmp_path / "keys"),
        "MAIL_FOLDER": str(tmp_path / "mail"),  # mails of tests without an SMTP server
        "JOBS_IMMEDIATE": True,  # jobs run where enqueued; test_jobs.py runs real workers
        # Tests move the clock by hours and days while signed in; test_sessions.py turns the
        # session time limits on.
        "SESSION_IDLE_MINUTES": 0,
        "SESSION_MAX_HOURS": 0,
        # Saves ~0.2 s per bank import; test_validity_reports.py turns it on.
        "VALIDITY_AT_IMPORT": False,
    })
    from assess.extensions import db

    with app.app_context():
        if not _schema_ready or url.startswith("sqlite"):
            db.drop_all()
            db.create_all()
            _schema_ready = not url.startswith("sqlite")
    yield app
    with app.app_context():
        db.session.remove()
        if not url.startswith("sqlite"):
            with db.engine.begin() as connection:
                for table in reversed(db.metadata.sorted_tables):
                    connection.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    from assess.services import accounts

    def make(email="someone@example.org", role="applicant", password="correct horse battery"):
        with app.app_context():
            user = accounts.create_user(email, email.split("@")[0], password, role,
                                        now=FIXED_NOW, min_length=10)
            return user.id
    return make


@pytest.fixture
def login(client, make_user):
    def do(email="someone@example.org", role="applicant", password="correct horse battery"):
        make_user(email, role, password)
        response = client.post("/auth/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.text
        return client
    return do


@pytest.fixture
def quiet(app):
    """Single marks and no calibration answers: every task needs exactly one grade."""
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    return app


@pytest.fixture
def imported(app):
    """The shipped question banks, imported."""
    from assess.services.banks import import_paths

    with app.app_context():
        return import_paths([BANKS], now=FIXED_NOW)
