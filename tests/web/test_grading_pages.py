"""The graders' pages through the test client: blind, role-checked, and safe to resubmit."""
from __future__ import annotations

import re
from datetime import timedelta

from grading_support import finished_attempts, top_levels
from helpers import FIXED_NOW
from sqlalchemy import func, select

from assess.settings import reconfigure


def _claim(client) -> int:
    reply = client.post("/grading/claim")
    assert reply.status_code == 302, reply.text
    return int(re.search(r"/grading/tasks/(\d+)", reply.location).group(1))


def _form(levels):
    return {f"level.{k}": v for k, v in levels.items()}


def test_non_graders_cannot_reach_grading(login, imported):
    client = login("applicant@example.org")
    for method, url in (("get", "/grading/"), ("post", "/grading/claim"),
                        ("get", "/grading/tasks/1"), ("post", "/grading/tasks/1"),
                        ("post", "/grading/tasks/1/lease"),
                        ("post", "/grading/adjudication/claim")):
        assert getattr(client, method)(url).status_code == 403, url


def test_grading_pages_never_identify_the_applicant(app, login, make_user, imported):
    finished_attempts(app, make_user, 2, prefix="secret.person")
    from assess.extensions import db
    from assess.models import Attempt, User
    with app.app_context():
        identities = [(u.email, u.name) for u in db.session.scalars(select(User))]
        attempt_ids = db.session.scalars(select(Attempt.id)).all()
    client = login("grader@example.org", role="grader")
    pages = [client.get("/grading/").text]
    task_id = _claim(client)
    pages.append(client.get(f"/grading/tasks/{task_id}").text)
    pages.append(client.post(f"/grading/tasks/{task_id}/lease").text)
    pages.append(client.post(f"/grading/tasks/{task_id}", data={"action": "grade"}).text)
    for page in pages:
        for email, name in identities:
            if email != "grader@example.org":
                assert email not in page and name not in page
        assert "secret.person" not in page
        for attempt_id in attempt_ids:
            assert f"/attempts/{attempt_id}" not in page


def test_a_grader_grades_through_the_form_and_gets_the_next_task(app, login, make_user,
                                                                 imported):
    from assess.extensions import db
    from assess.models import Grade, GradingTask
    finished_attempts(app, make_user, 1)
    client = login("grader@example.org", role="grader")
    task_id = _claim(client)
    page = client.get(f"/grading/tasks/{task_id}").text
    assert "Submit grade" in page and "Ctrl</kbd>+<kbd>Enter" in page
    reply = client.post(f"/grading/tasks/{task_id}",
                        data={**_form(top_levels(app, task_id)), "comment": "Clear and right.",
                              "action": "grade"})
    assert reply.status_code == 302
    next_id = int(re.search(r"/grading/tasks/(\d+)", reply.location).group(1))
    assert next_id != task_id
    with app.app_context():
        task = db.session.get(GradingTask, task_id)
        if task.grades_required == 1:
            assert task.status == "final" and task.final_points == task.max_points
        grade = db.session.scalar(select(Grade).where(Grade.task_id == task_id))
        assert grade.comment == "Clear and right."
    # Submitting the same task again records nothing: the grader no longer holds it.
    again = client.post(f"/grading/tasks/{task_id}",
                        data={**_form(top_levels(app, task_id)), "action": "grade"})
    assert again.status_code == 409
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Grade)
                                 .where(Grade.task_id == task_id)) == 1
    assert "Graded today</dt><dd>1" in client.get("/grading/").text


def test_a_level_outside_the_rubric_re_renders_with_the_choices_kept(app, login, make_user,
                                                                     imported):
    finished_attempts(app, make_user, 1)
    client = login("grader@example.org", role="grader")
    task_id = _claim(client)
    levels = top_levels(app, task_id)
    first = next(iter(levels))
    bad = {**levels, first: "42"}
    reply = client.post(f"/grading/tasks/{task_id}",
                        data={**_form(bad), "comment": "kept", "action": "grade"})
    assert reply.status_code == 422
    assert "Not saved:" in reply.text and "kept</textarea>" in reply.text
    json_reply = client.post(f"/grading/tasks/{task_id}", data={"action": "grade"},
                             headers={"Accept": "application/json"})
    assert json_reply.status_code == 422


def test_an_expired_lease_is_refused_with_a_clear_message(app, login, make_user, imported):
    finished_attempts(app, make_user, 1)
    client = login("grader@example.org", role="grader")
    task_id = _claim(client)
    app.config["CLOCK"] = lambda: FIXED_NOW + timedelta(minutes=11)
    reply = client.post(f"/grading/tasks/{task_id}",
                        data={**_form(top_levels(app, task_id)), "action": "grade"})
    assert reply.status_code == 409
    assert "lease on this task ran out" in reply.text
    lease = client.post(f"/grading/tasks/{task_id}/lease", headers={"Accept": "application/json"})
    assert lease.status_code == 409 and lease.json["error"]["code"] == "lease_expired"


def test_skip_hands_over_another_task(app, login, make_user, imported):
    finished_attempts(app, make_user, 1)
    client = login("grader@example.org", role="grader")
    task_id = _claim(client)
    reply = client.post(f"/grading/tasks/{task_id}", data={"action": "skip"})
    assert reply.status_code == 302
    assert int(re.search(r"/grading/tasks/(\d+)", reply.location).group(1)) != task_id


def test_a_refused_skip_does_not_hide_the_task_from_the_grader(app, login, make_user,
                                                               imported):
    reconfigure(app, GRADING_CALIBRATION_RATE=0.0)
    finished_attempts(app, make_user, 1)
    holder = app.test_client()
    make_user("holder@example.org", "grader")
    holder.post("/auth/login", data={"email": "holder@example.org",
                                     "password": "correct horse battery"})
    task_id = _claim(holder)  # the first task, leased to someone else
    client = login("grader@example.org", role="grader")
    refused = client.post(f"/grading/tasks/{task_id}", data={"action": "skip"})
    assert refused.status_code == 409 and "You do not hold this task" in refused.text
    app.config["CLOCK"] = lambda: FIXED_NOW + timedelta(minutes=11)  # the lease runs out
    assert _claim(client) == task_id  # not on this grader's skip list: it comes to them
    skipped = client.post(f"/grading/tasks/{task_id}", data={"action": "skip"})
    assert skipped.status_code == 302
    with client.session_transaction() as saved:
        assert saved["grading_skipped"] == [task_id]


def test_filters_narrow_the_queue_to_one_kind(app, login, make_user, imported):
    from assess.extensions import db
    from assess.models import GradingTask
    finished_attempts(app, make_user, 1)
    client = login("grader@example.org", role="grader")
    page = client.get("/grading/?apply=1&kind=rewrite").text
    assert '<option value="rewrite" selected>' in page
    task_id = _claim(client)
    with app.app_context():
        assert db.session.get(GradingTask, task_id).kind == "rewrite"


def test_a_non_ascii_digit_in_the_filters_is_ignored(login, imported):
    client = login("grader@example.org", role="grader")
    assert client.get("/grading/?apply=1&item_id=²&assessment_id=¹").status_code == 200
