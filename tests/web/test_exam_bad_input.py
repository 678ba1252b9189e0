"""Every bad request gets a clear 4xx with the stable error shape, and no saved answer changes."""
from __future__ import annotations

import re

import pytest
from exam_support import gold_answer
from sqlalchemy import func, select

SCREENING = "general-screening"


@pytest.fixture
def attempt(app, login, imported):
    """An applicant's attempt with item 1 answered (revision 1), and the client."""
    client = login("applicant@example.org")
    location = client.post(f"/assessments/{SCREENING}/start").location
    attempt_id = int(re.search(r"/attempts/(\d+)/", location).group(1))
    content = _content(app, attempt_id, 1)
    answer = gold_answer(content)
    saved = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 1, "answer": answer})
    assert saved.status_code == 200
    return client, attempt_id, content, answer


def _content(app, attempt_id, position):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        response = db.session.scalar(select(Response).where(
            Response.attempt_id == attempt_id, Response.position == position))
        return response.item_version.content


def _saved(app, attempt_id):
    from assess.extensions import db
    from assess.models import AnswerEvent, Response
    with app.app_context():
        rows = db.session.execute(select(Response.position, Response.answer, Response.revision)
                                  .where(Response.attempt_id == attempt_id)
                                  .order_by(Response.position)).all()
        events = db.session.scalar(select(func.count()).select_from(AnswerEvent))
        return [tuple(r) for r in rows], events


def _error(reply, status, code, field=None):
    assert reply.status_code == status, reply.text
    assert set(reply.json) >= {"error"}
    error = reply.json["error"]
    assert set(error) == {"code", "message", "field"}
    assert error["code"] == code and error["message"]
    if field is not None:
        assert error["field"] == field
    return error


def _type_position(app, attempt_id, kind):
    from assess.extensions import db
    from assess.models import Response
    with app.app_context():
        for response in db.session.scalars(select(Response).where(
                Response.attempt_id == attempt_id)):
            if response.item_version.content["type"] == kind:
                return response.position, response.item_version.content
    raise AssertionError(f"no {kind} item drawn")


def test_an_item_not_in_the_attempt(app, attempt):
    client, attempt_id, *_ = attempt
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/99/autosave",
                        json={"revision": 5, "answer": {}})
    _error(reply, 404, "item_not_in_attempt", "position")
    assert _saved(app, attempt_id) == before
    page = client.get(f"/attempts/{attempt_id}/items/99")
    assert page.status_code == 404


def test_another_applicants_attempt(app, attempt, client, make_user):
    _, attempt_id, _, answer = attempt
    before = _saved(app, attempt_id)
    make_user("intruder@example.org")
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": "intruder@example.org",
                                     "password": "correct horse battery"})
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 9, "answer": answer})
    _error(reply, 404, "not_found")
    for url in (f"/attempts/{attempt_id}/items/1", f"/attempts/{attempt_id}/review",
                f"/attempts/{attempt_id}/results", f"/attempts/{attempt_id}/clock"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/attempts/{attempt_id}/submit", data={"confirm": "yes"}).status_code == 404
    assert _saved(app, attempt_id) == before


def test_a_malformed_json_body(app, attempt):
    client, attempt_id, *_ = attempt
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave", data="{not json",
                        content_type="application/json")
    _error(reply, 400, "malformed_json")
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave", json=[1, 2])
    _error(reply, 400, "malformed_json")
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave", json={"revision": 2})
    _error(reply, 400, "missing_answer", "answer")
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 2, "form": {"choice": "a"}})
    _error(reply, 400, "invalid_form", "form")
    assert _saved(app, attempt_id) == before


@pytest.mark.parametrize("revision", [None, 0, -1, "2", 1.5, True, 2**31, 2**64])
def test_a_bad_revision(app, attempt, revision):
    client, attempt_id, _, answer = attempt
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": revision, "answer": answer})
    _error(reply, 400, "invalid_revision", "revision")
    assert _saved(app, attempt_id) == before


def test_an_answer_of_the_wrong_shape(app, attempt):
    client, attempt_id, *_ = attempt
    position, _ = _type_position(app, attempt_id, "pairwise")
    before = _saved(app, attempt_id)
    for bad, field in (({"choice": "zzz"}, "choice"), ({"strength": 7, "choice": "a"}, None),
                       ("a string", "answer"), ({"justification": 42}, "justification")):
        reply = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                            json={"revision": 50, "answer": bad})
        _error(reply, 422, "invalid_answer", field)
    assert _saved(app, attempt_id) == before


def test_an_oversized_text(app, attempt):
    client, attempt_id, *_ = attempt
    position, content = _type_position(app, attempt_id, "rewrite")
    limit = content.get("max_chars", 4000)
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                        json={"revision": 2, "answer": {"text": "x" * (limit + 1)}})
    error = _error(reply, 422, "invalid_answer", "text")
    assert str(limit) in error["message"]
    assert _saved(app, attempt_id) == before


def test_a_replayed_old_revision(app, attempt):
    client, attempt_id, _, answer = attempt
    rows, events = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 1, "answer": {}})
    _error(reply, 409, "stale_revision", "revision")
    assert reply.json["saved_revision"] == 1
    after_rows, after_events = _saved(app, attempt_id)
    assert after_rows == rows and after_events == events + 1  # recorded, not applied
    assert after_rows[0][1] == answer


def test_an_unknown_assessment_and_attempt(attempt):
    client, *_ = attempt
    _error(client.post("/assessments/nope/start", json={}), 404, "not_found")
    _error(client.post("/attempts/999/items/1/autosave", json={"revision": 1, "answer": {}}),
           404, "not_found")


def test_a_missing_csrf_token_is_refused_when_csrf_is_on(app, attempt):
    client, attempt_id, _, answer = attempt
    app.config["WTF_CSRF_ENABLED"] = True
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 7, "answer": answer})
    _error(reply, 400, "csrf")
    assert _saved(app, attempt_id) == before


def test_signed_out_autosave_gets_json_not_a_login_page(app, attempt, client):
    _, attempt_id, _, answer = attempt
    client.post("/auth/logout")
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 7, "answer": answer})
    assert reply.status_code == 401
    assert reply.json["error"]["code"] == "unauthorized"


def test_a_disabled_account_cannot_save(app, attempt):
    from assess.extensions import db
    from assess.models import User
    client, attempt_id, _, answer = attempt
    with app.app_context():
        db.session.scalar(select(User).where(User.email == "applicant@example.org")).active = False
        db.session.commit()
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 8, "answer": answer})
    _error(reply, 403, "account_disabled")
    assert _saved(app, attempt_id) == before


@pytest.mark.parametrize("body", [[1, 2], "yes", {"confirm": "yes"}, {}])
def test_a_json_submit_without_a_true_confirm_is_refused(app, attempt, body):
    from assess.extensions import db
    from assess.models import Attempt
    client, attempt_id, *_ = attempt
    reply = client.post(f"/attempts/{attempt_id}/submit", json=body)
    _error(reply, 422, "not_confirmed", "confirm")
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).status == "in_progress"


def test_a_non_ascii_digit_is_refused_not_a_crash(app, attempt):
    # "²".isdigit() is true but int("²") fails: such input must be a clear 4xx, never a 500.
    client, attempt_id, *_ = attempt
    position, content = _type_position(app, attempt_id, "pairwise")
    before = _saved(app, attempt_id)
    reply = client.post(f"/attempts/{attempt_id}/items/{position}/autosave",
                        json={"revision": 50, "answer": {"choice": content["responses"][0]["id"],
                                                         "strength": "²"}})
    _error(reply, 422, "invalid_answer", "strength")
    assert _saved(app, attempt_id) == before
    moved = client.post(f"/attempts/{attempt_id}/items/1", data={"action": "goto-²",
                                                                 "revision": "2"})
    assert moved.status_code == 302
    assert moved.location.endswith(f"/attempts/{attempt_id}/items/1")


def test_an_id_too_large_for_the_database_is_not_found(attempt):
    client, *_ = attempt
    huge = 2**64
    assert client.get(f"/attempts/{huge}/items/1").status_code == 404
    _error(client.post(f"/attempts/{huge}/items/1/autosave", json={"revision": 1, "answer": {}}),
           404, "not_found")


def test_deeply_nested_json_is_malformed_not_a_crash(app, attempt):
    client, attempt_id, *_ = attempt
    before = _saved(app, attempt_id)
    nested = "[" * 200_000
    for url in (f"/attempts/{attempt_id}/items/1/autosave", f"/attempts/{attempt_id}/submit"):
        reply = client.post(url, data=nested, content_type="application/json")
        _error(reply, 400, "malformed_json")
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        data='{"revision": 2, "answer": ' + "[" * 200_000 + "}",
                        content_type="application/json")
    _error(reply, 400, "malformed_json")
    assert _saved(app, attempt_id) == before


def test_a_save_to_a_closed_attempt_is_kept_in_the_history_as_not_accepted(app, attempt):
    from assess.extensions import db
    from assess.models import AnswerEvent
    client, attempt_id, content, answer = attempt
    assert client.post(f"/attempts/{attempt_id}/submit", json={"confirm": True}).status_code == 200
    before = _saved(app, attempt_id)[0]
    late = {"justification": "Written after the submission."}
    reply = client.post(f"/attempts/{attempt_id}/items/1/autosave",
                        json={"revision": 5, "answer": late})
    _error(reply, 409, "attempt_closed")
    assert _saved(app, attempt_id)[0] == before
    with app.app_context():
        event = db.session.scalar(select(AnswerEvent).where(AnswerEvent.revision == 5))
        assert event.accepted is False
        assert event.answer.get("justification", "") or event.answer.get("unparsed")
