"""Appeals: one per attempt, decided by a lead who did not grade the answer, shown to the
applicant, and logged as a score event."""
from __future__ import annotations

import re

from sqlalchemy import select

from grading_support import bottom_levels, finished_attempts
from helpers import FIXED_NOW

PASSWORD = "correct horse battery"


def _sign_in(client, email):
    client.post("/auth/logout")
    reply = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    assert reply.status_code == 302


def _grade_all(app, grader_id):
    from assess.services import grading
    from grading_support import top_levels
    with app.app_context():
        task_id = grading.claim_next(grader_id, FIXED_NOW)
        while task_id is not None:
            task_id = grading.submit_grade(task_id, grader_id, top_levels(app, task_id), "ok",
                                           FIXED_NOW)


def test_an_appeal_from_filing_to_decision(app, client, make_user, imported):
    from assess.extensions import db
    from assess.models import Attempt, GradingTask, ScoreEvent
    app.config.update(GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0)
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

    _sign_in(client, "grader@example.org")
    listing = client.get("/grading/appeals").text
    appeal_id = int(re.search(r"/grading/appeals/(\d+)", listing).group(1))
    assert client.get(f"/grading/appeals/{appeal_id}").status_code == 403

    _sign_in(client, "other.lead@example.org")
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
