"""Appeals: one per attempt, decided by a lead who did not grade the answer, shown to the
applicant, and logged as a score event."""
from __future__ import annotations

import re

from grading_support import bottom_levels, finished_attempts
from helpers import FIXED_NOW
from sqlalchemy import select

from assess.settings import reconfigure

PASSWORD = "correct horse battery"


def _sign_in(client, email):
    client.post("/auth/logout")
    reply = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert reply.status_code == 302


def _grade_all(app, grader_id):
    from grading_support import top_levels

    from assess.services import grading
    with app.app_context():
        task_id = grading.claim_next(grader_id, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader_id, top_levels(app, task_id), "ok",
                                           FIXED_NOW)


def test_an_appeal_from_filing_to_decision(app, client, make_user, imported):
    from assess.extensions import db
    from assess.models import Attempt, GradingTask, ScoreEvent
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    (applicant,) = finished_attempts(app, make_user, 1)
    grader = make_user("grader@example.org", "lead")  # graded it, so may not decide it
    make_user("other.lead@example.org", "lead")
    _grade_all(app, grader)
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.user_id == applicant))
        task_id = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).first()
        before = db.session.get(GradingTask, task_id).final_points

    _sign_in(client, "applicant0@example.org")
    results = client.get(f"/attempts/{attempt_id}/results").text
    assert "Appeal one grade" in results and "Pending" not in results
    short = client.post(f"/attempts/{attempt_id}/appeal",
                        data={"task_id": task_id, "reason": "too low"})
    assert short.status_code == 422 and "20 to 2000 characters" in short.text
    reason = "My justification names the decisive error, which the rubric rewards."
    sent = client.post(f"/attempts/{attempt_id}/appeal", data={"task_id": task_id,
                                                                "reason": reason})
    assert sent.status_code == 302
    again = client.post(f"/attempts/{attempt_id}/appeal", data={"task_id": task_id,
                                                                 "reason": reason})
    assert again.status_code == 409 and "one appeal" in again.text
    assert "a lead who did not grade the answer will decide it" in \
        client.get(f"/attempts/{attempt_id}/results").text

    _sign_in(client, "other.lead@example.org")
    listing = client.get("/grading/appeals").text
    appeal_id = int(re.search(r"/grading/appeals/(\d+)", listing).group(1))
    page = client.get(f"/grading/appeals/{appeal_id}").text
    assert reason in page and "applicant0" not in page
    no_note = client.post(f"/grading/appeals/{appeal_id}", data={"decision": "change"})
    assert no_note.status_code == 422
    levels = {f"level.{k}": v for k, v in bottom_levels(app, task_id).items()}
    decided = client.post(f"/grading/appeals/{appeal_id}",
                          data={"decision": "change", "note": "The reason is too vague.",
                                **levels})
    assert decided.status_code == 302
    twice = client.post(f"/grading/appeals/{appeal_id}",
                        data={"decision": "uphold", "note": "again"})
    assert twice.status_code == 409
    with app.app_context():
        task = db.session.get(GradingTask, task_id)
        assert task.final_points < before and task.resolution == "appeal"
        events = db.session.scalars(select(ScoreEvent).where(ScoreEvent.attempt_id == attempt_id)
                                    .order_by(ScoreEvent.id)).all()
        assert [e.reason for e in events] == ["scored", "appeal"]
        assert "changed" in events[1].note and events[1].old_score > events[1].new_score

    _sign_in(client, "applicant0@example.org")
    results = client.get(f"/attempts/{attempt_id}/results").text
    assert "Your grade was changed" in results and "The reason is too vague." in results


def test_only_graded_answers_of_ones_own_attempt_can_be_appealed(app, client, make_user,
                                                                  imported):
    from assess.extensions import db
    from assess.models import Attempt, GradingTask
    finished_attempts(app, make_user, 2)
    with app.app_context():
        attempts = db.session.scalars(select(Attempt).order_by(Attempt.id)).all()
        mine, theirs = attempts[0].id, attempts[1].id
        pending = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).first()
    _sign_in(client, "applicant0@example.org")
    reason = "A long enough reason for this appeal to be considered."
    not_graded = client.post(f"/attempts/{mine}/appeal", data={"task_id": pending,
                                                              "reason": reason})
    assert not_graded.status_code == 409
    assert client.post(f"/attempts/{theirs}/appeal",
                       data={"task_id": pending, "reason": reason}).status_code == 404


def _appealed(app, client, make_user, *, applicant_role="applicant"):
    """One applicant's attempt, graded by ``grader@example.org`` (a lead), with one appeal
    filed through the results page. Returns (appeal id, task id)."""
    from assess.extensions import db
    from assess.models import Appeal, Attempt, GradingTask
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
    applicant = make_user("applicant0@example.org", applicant_role)
    finished_attempts(app, lambda email, *a: applicant, 1)
    _grade_all(app, make_user("grader@example.org", "lead"))
    with app.app_context():
        attempt_id = db.session.scalar(select(Attempt.id).where(Attempt.user_id == applicant))
        task_id = db.session.scalars(select(GradingTask.id).order_by(GradingTask.id)).first()
    _sign_in(client, "applicant0@example.org")
    sent = client.post(f"/attempts/{attempt_id}/appeal", data={
        "task_id": task_id, "reason": "My justification names the decisive error."})
    assert sent.status_code == 302, sent.text
    with app.app_context():
        return db.session.scalar(select(Appeal.id)), task_id


def _appeal_sections(page):
    """The appeals list split at the "Graded by you" heading: (decidable, not yours)."""
    head, _, tail = page.partition("Graded by you — another lead decides")
    return head, tail


def test_a_lead_who_graded_the_answer_sees_the_appeal_apart_and_cannot_open_it(
        app, client, make_user, imported):
    from assess.extensions import db
    from assess.models import Appeal
    appeal_id, _ = _appealed(app, client, make_user)
    make_user("other.lead@example.org", "lead")

    _sign_in(client, "grader@example.org")
    decidable, not_yours = _appeal_sections(client.get("/grading/appeals").text)
    assert "No appeals are waiting for you." in decidable
    assert f"#{appeal_id}" in not_yours and "You graded it" in not_yours
    assert f"/grading/appeals/{appeal_id}" not in not_yours  # no link to a page they may not use
    opened = client.get(f"/grading/appeals/{appeal_id}", follow_redirects=True)
    assert opened.status_code == 200 and opened.request.path == "/grading/appeals"
    assert "You graded this answer, so another lead decides its appeal." in opened.text
    posted = client.post(f"/grading/appeals/{appeal_id}", data={"decision": "uphold",
                                                                 "note": "Fine as it is."},
                         follow_redirects=True)
    assert posted.request.path == "/grading/appeals"
    assert "another lead decides its appeal" in posted.text
    with app.app_context():
        assert db.session.get(Appeal, appeal_id).status == "pending"

    _sign_in(client, "other.lead@example.org")
    decidable, not_yours = _appeal_sections(client.get("/grading/appeals").text)
    assert f'href="/grading/appeals/{appeal_id}"' in decidable and not not_yours
    assert client.get(f"/grading/appeals/{appeal_id}").status_code == 200


def test_a_lead_never_decides_the_appeal_on_their_own_attempt(app, client, make_user,
                                                              imported):
    appeal_id, _ = _appealed(app, client, make_user, applicant_role="lead")
    _sign_in(client, "applicant0@example.org")
    decidable, not_yours = _appeal_sections(client.get("/grading/appeals").text)
    assert f"/grading/appeals/{appeal_id}" not in decidable
    assert f"#{appeal_id}" in not_yours and "Your own attempt" in not_yours
    opened = client.get(f"/grading/appeals/{appeal_id}", follow_redirects=True)
    assert opened.request.path == "/grading/appeals"
    assert "This appeal is about your own attempt" in opened.text


def test_an_overlong_decision_note_is_refused_with_the_text_kept(app, client, make_user,
                                                                 imported):
    from assess.extensions import db
    from assess.models import Appeal
    appeal_id, _ = _appealed(app, client, make_user)
    make_user("other.lead@example.org", "lead")
    _sign_in(client, "other.lead@example.org")
    assert 'maxlength="2000"' in client.get(f"/grading/appeals/{appeal_id}").text
    note = "The second level of the rubric fits this answer. " * 100  # 4,900 characters
    reply = client.post(f"/grading/appeals/{appeal_id}", data={"decision": "uphold",
                                                               "note": note})
    assert reply.status_code == 422
    assert "Keep the note to 2000 characters; it has 4899." in reply.text
    assert note.strip() in reply.text and 'aria-invalid="true"' in reply.text
    with app.app_context():
        appeal = db.session.get(Appeal, appeal_id)
        assert appeal.status == "pending" and appeal.decision_note == ""
    fits = client.post(f"/grading/appeals/{appeal_id}",
                       data={"decision": "uphold", "note": ("x" * 1999) + " "})
    assert fits.status_code == 302
