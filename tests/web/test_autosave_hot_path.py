"""The autosave hot path (services/autosave_fast.py, web/json_csrf.py, web/session_cookies.py)
keeps what the full path keeps: the stored answer and history, CSRF, the session check."""
from __future__ import annotations

import re
import time

import pytest
from exam_support import gold_answer, later, set_clock
from sqlalchemy import select

from assess.app import create_app

SCREENING = "general-screening"


@pytest.fixture
def exam(app, login, imported):
    """A signed-in applicant's open attempt: (client, attempt id, item 1's gold answer)."""
    client = login("applicant@example.org")
    location = client.post(f"/assessments/{SCREENING}/start").location
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        response = db.session.scalar(select(Response).where(
            Response.attempt_id == attempt_id, Response.position == 1))
        return client, attempt_id, gold_answer(response.item_version.content)


def _stored(app, attempt_id):
    from assess.extensions import db
    from assess.models import AnswerEvent, Response
    with app.app_context():
        response = db.session.scalar(select(Response).where(
            Response.attempt_id == attempt_id, Response.position == 1))
        events = db.session.scalars(select(AnswerEvent).where(
            AnswerEvent.response_id == response.id).order_by(AnswerEvent.id)).all()
        return (response.answer, response.revision, response.saved_at,
                [(e.revision, e.accepted, e.answer, e.saved_at) for e in events])


def test_a_plain_save_is_stored_and_recorded_as_the_orm_reads_it(app, exam, monkeypatch):
    client, attempt_id, answer = exam
    set_clock(app, later(minutes=3))

    def full_path(*_args, **_kwargs):
        raise AssertionError("a plain save (or a stale one) takes the hot path")
    monkeypatch.setattr("assess.web.applicant.autosave.attempts.save_answer", full_path)
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 5, "answer": answer})
    assert reply.status_code == 200, reply.text
    assert reply.json["saved_revision"] == 5 and reply.json["complete"] is True
    stale = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 4, "answer": {}})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "stale_revision"
    assert stale.json["saved_revision"] == 5
    stored_answer, revision, saved_at, events = _stored(app, attempt_id)
    assert (stored_answer, revision, saved_at) == (answer, 5, later(minutes=3))
    assert [(r, a) for r, a, *_ in events] == [(5, True), (4, False)]
    assert events[0][2:] == (answer, later(minutes=3))


def test_csrf_is_checked_on_every_save_even_after_a_token_passed(app, exam, login):
    client, attempt_id, answer = exam
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get(f"/attempts/{attempt_id}/items/1").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/attempts/{attempt_id}/items/1/autosave"
    good = client.post(url, json={"revision": 2, "answer": answer},
                       headers={"X-CSRFToken": token})
    assert good.status_code == 200, good.text
    again = client.post(url, json={"revision": 3, "answer": answer},
                        headers={"X-CSRFToken": token})
    assert again.status_code == 200
    for headers in ({}, {"X-CSRFToken": token[:-2] + "xx"}):
        refused = client.post(url, json={"revision": 9, "answer": answer}, headers=headers)
        assert refused.status_code == 400 and refused.json["error"]["code"] == "csrf"
    other = app.test_client()  # another session: the token is not its own
    other.post("/auth/login", data={"email": "applicant@example.org",
                                    "password": "correct horse battery"})
    refused = other.post(url, json={"revision": 9, "answer": answer},
                         headers={"X-CSRFToken": token})
    assert refused.status_code == 400
    assert _stored(app, attempt_id)[1] == 3


def test_a_remembered_session_cookie_still_expires_and_an_altered_one_is_refused(
        app, exam, monkeypatch):
    client, attempt_id, answer = exam
    url = f"/attempts/{attempt_id}/items/1/autosave"
    assert client.post(url, json={"revision": 2, "answer": answer}).status_code == 200
    cookie = client.get_cookie("session").value
    altered = app.test_client()
    altered.set_cookie("session", cookie[:-3] + ("AAA" if cookie[-3:] != "AAA" else "BBB"))
    assert altered.post(url, json={"revision": 3, "answer": answer}).status_code == 401
    real = time.time()
    lifetime = app.permanent_session_lifetime.total_seconds()
    monkeypatch.setattr(time, "time", lambda: real + lifetime + 60)
    assert client.post(url, json={"revision": 4, "answer": answer}).status_code == 401
    monkeypatch.undo()
    assert _stored(app, attempt_id)[1] == 2


def test_a_disabled_account_is_refused_by_the_full_path(app, exam):
    client, attempt_id, answer = exam
    from assess.extensions import db
    from assess.models import User
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "applicant@example.org"))
        user.active = False
        db.session.commit()
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 2, "answer": answer})
    assert reply.status_code in (401, 403), reply.text
    assert _stored(app, attempt_id)[1] != 2


@pytest.mark.parametrize("setting, expected", [(True, {}), (False, {"prepare_threshold": None})])
def test_prepared_statements_can_be_turned_off_for_pgbouncer(tmp_path, setting, expected):
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none",
                      "SECRET_KEY": "test", "DATABASE_PREPARED_STATEMENTS": setting})
    connect_args = app.config["SQLALCHEMY_ENGINE_OPTIONS"].get("connect_args", {})
    assert {k: v for k, v in connect_args.items() if k == "prepare_threshold"} == expected


def test_postgresql_saves_a_known_position_in_one_statement(app, exam, monkeypatch):
    """After the first save of a position, PostgreSQL looks up, checks and writes at once;
    SQLite always looks up first."""
    from assess.services import autosave_fast
    client, attempt_id, answer = exam
    lookups = []
    look_then_save = autosave_fast._look_then_save
    monkeypatch.setattr(autosave_fast, "_look_then_save",
                        lambda *args: lookups.append(1) or look_then_save(*args))
    for revision in (2, 3, 4):
        reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                            json={"revision": revision, "answer": answer})
        assert reply.status_code == 200, reply.text
    with app.app_context():
        from assess.extensions import db
        postgresql = db.engine.dialect.name == "postgresql"
    assert len(lookups) == (1 if postgresql else 3)
    stale = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 3, "answer": answer})
    assert stale.status_code == 409 and stale.json["saved_revision"] == 4
    assert [(r, a) for r, a, *_ in _stored(app, attempt_id)[3]] == \
        [(2, True), (3, True), (4, True), (3, False)]


def test_postgresql_one_statement_save_needs_no_begin_or_commit(app, exam, monkeypatch):
    """The one statement runs in autocommit: it is its own transaction, and the pooled
    connection goes back to the pool as it came, outside autocommit."""
    from assess.services import autosave_fast
    client, attempt_id, answer = exam
    with app.app_context():
        from assess.extensions import db
        if db.engine.dialect.name != "postgresql":
            pytest.skip("PostgreSQL only")
    client.post(f"/attempts/{attempt_id}/items/1/autosave",
                json={"revision": 2, "answer": answer})  # the position becomes known
    commits = []
    monkeypatch.setattr(autosave_fast._Driver, "commit", lambda self: commits.append(1))
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 3, "answer": answer})
    assert reply.status_code == 200 and commits == []
    assert _stored(app, attempt_id)[1] == 3
    with app.app_context():
        connection = db.engine.raw_connection()
        try:
            assert connection.dbapi_connection.autocommit is False
        finally:
            connection.close()
