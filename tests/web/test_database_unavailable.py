"""The database away (restarting, unreachable, read-only, full): a clear 503 with Retry-After
(507 for a full disk) in the shape the client reads, never a 500, and nothing saved changes.
`make soak` does the same against a real PostgreSQL restart and a full SQLite disk."""
from __future__ import annotations

import re
import sqlite3

import pytest
from exam_support import gold_answer
from platform_support import bearer, platform_with_key
from race_support import ON_POSTGRESQL
from sqlalchemy import event, select, text
from sqlalchemy.exc import OperationalError

SCREENING = "general-screening"


@pytest.fixture
def attempt(app, login, imported):
    """An applicant's attempt with item 1 saved at revision 1: (client, attempt id, answer)."""
    client = login("applicant@example.org")
    location = client.post(f"/assessments/{SCREENING}/start").location
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        content = db.session.scalar(select(Response).where(
            Response.attempt_id == attempt_id, Response.position == 1)).item_version.content
    answer = gold_answer(content)
    saved = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 1, "answer": answer})
    assert saved.status_code == 200
    return client, attempt_id, answer


def _stored(app, attempt_id):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        row = db.session.execute(select(Response.revision, Response.answer).where(
            Response.attempt_id == attempt_id, Response.position == 1)).one()
        return row.revision, row.answer


def lost_connection(*args, **kwargs):
    raise OperationalError("SELECT 1", {}, Exception(
        "server closed the connection unexpectedly"))


def test_a_save_to_a_read_only_database_is_a_503_and_the_saved_answer_stays(app, attempt):
    client, attempt_id, answer = attempt
    from assess.extensions import db

    def read_only(connection, _record):
        if isinstance(connection, sqlite3.Connection):
            connection.execute("PRAGMA query_only = ON")
        else:  # PostgreSQL: as a standby, or a server put in read-only mode
            with connection.cursor() as cursor:
                cursor.execute("SET default_transaction_read_only = on")
            connection.commit()

    with app.app_context():
        engine = db.engine
        engine.dispose()
        event.listen(engine, "connect", read_only)
    try:
        refused = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                              json={"revision": 2, "answer": answer})
    finally:
        with app.app_context():
            event.remove(engine, "connect", read_only)
            engine.dispose()
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    assert refused.json["error"]["code"] == "unavailable"
    assert _stored(app, attempt_id) == (1, answer)
    # The browser's queue sends it again once the database is back: it is taken.
    again = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 2, "answer": answer})
    assert again.status_code == 200
    assert _stored(app, attempt_id)[0] == 2


def test_a_lost_connection_is_a_503_page_and_json_error_not_a_500(app, login, monkeypatch):
    client = login("applicant@example.org")
    # The first query of a request is loading who is signed in; the page must not ask again.
    monkeypatch.setattr("assess.services.accounts.get_user", lost_connection)
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    assert "briefly unavailable" in page.text and "<h1>503</h1>" in page.text
    as_json = client.get("/", headers={"Accept": "application/json"})
    assert as_json.status_code == 503
    assert as_json.json["error"]["code"] == "unavailable"


def test_the_api_answers_503_in_its_error_shape(app, monkeypatch):
    _, key = platform_with_key(app)
    monkeypatch.setattr("assess.services.api_keys.authenticate", lost_connection)
    reply = app.test_client().get("/api/v1/assessments", headers=bearer(key))
    assert reply.status_code == 503
    assert int(reply.headers["Retry-After"]) > 0  # the key's rate limiter may set its own
    assert reply.json == {"error": {"code": "unavailable", "field": None,
                                    "message": reply.json["error"]["message"]}}


def test_a_full_disk_is_a_507_without_retry_after(app, login, monkeypatch):
    client = login("applicant@example.org")

    def disk_full(*args, **kwargs):
        raise OperationalError("INSERT INTO answer_events", {},
                               sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr("assess.web.applicant.catalogue.catalogue", disk_full)
    refused = client.get("/", headers={"Accept": "application/json"})
    assert refused.status_code == 507
    assert refused.json["error"]["code"] == "insufficient_storage"
    assert "Retry-After" not in refused.headers


def test_postgresql_connections_are_tested_only_after_idling(app, monkeypatch):
    """A pooled connection used a moment ago is handed out untested; one idle past
    DATABASE_PING_AFTER_IDLE_SECONDS is tested, and replaced when its server is gone."""
    from assess import create_app
    other = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none",
                        "SECRET_KEY": "test"})
    assert "pool_pre_ping" not in other.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert other.config["DATABASE_PING_AFTER_IDLE_SECONDS"] == 0.5
    if not ON_POSTGRESQL:
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
    from assess import pool_checks
    from assess.extensions import db
    clock = [1000.0]
    monkeypatch.setattr(pool_checks.time, "monotonic", lambda: clock[0])
    with app.app_context():
        engine = db.engine
        pings = []
        original_ping = engine.dialect.do_ping
        monkeypatch.setattr(engine.dialect, "do_ping",
                            lambda dbapi: pings.append(1) or original_ping(dbapi))
        engine.dispose()
        first = _backend_pid(engine)
        clock[0] += 0.1
        assert _backend_pid(engine) == first and pings == []  # reused at once: untested
        _terminate(engine, first)
        clock[0] += 1
        replaced = _backend_pid(engine)  # idle past the window: tested, found dead, replaced
        assert replaced != first and pings == [1]


def _backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(engine, pid: int) -> None:
    import psycopg
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
