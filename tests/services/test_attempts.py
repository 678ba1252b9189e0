"""Attempt use cases against the database, including requests that race each other."""
from __future__ import annotations

import random
import threading

from exam_support import gold_answer
from helpers import FIXED_NOW
from sqlalchemy import func, select

SCREENING = "general-screening"


def _in_threads(app, count, work):
    results, errors = [None] * count, []
    barrier = threading.Barrier(count)

    def run(index):
        with app.app_context():
            barrier.wait()
            try:
                results[index] = work(index)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                from assess.extensions import db
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results, errors


def test_simultaneous_starts_make_one_attempt(app, make_user, imported):
    from assess.extensions import db
    from assess.models import Attempt
    from assess.services.attempts import start_attempt
    user_id = make_user()
    results, errors = _in_threads(app, 4, lambda i: start_attempt(user_id, SCREENING,
                                                                  FIXED_NOW).id)
    assert not errors, errors
    assert len(set(results)) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_racing_saves_keep_the_newest_revision(app, make_user, imported):
    from assess.extensions import db
    from assess.models import AnswerEvent, Response
    from assess.services.attempts import save_answer, start_attempt
    user_id = make_user()
    with app.app_context():
        attempt = start_attempt(user_id, SCREENING, FIXED_NOW)
        attempt_id = attempt.id
        response = next(r for r in attempt.responses
                        if r.item_version.content["type"] == "rewrite")
        position = response.position
    revisions = list(range(1, 21))
    random.Random(7).shuffle(revisions)

    def save(index):
        revision = revisions[index]
        return save_answer(attempt_id, user_id, position, {"text": f"draft {revision}"},
                           revision, FIXED_NOW).accepted

    results, errors = _in_threads(app, len(revisions), save)
    assert not errors, errors
    with app.app_context():
        saved = db.session.scalar(select(Response).where(
            Response.attempt_id == attempt_id, Response.position == position))
        assert (saved.revision, saved.answer) == (20, {"text": "draft 20"})
        events = db.session.execute(select(AnswerEvent.revision, AnswerEvent.accepted)).all()
    assert len(events) == 20  # every save is in the history
    assert sum(accepted for _, accepted in events) == sum(results)
    assert (20, True) in [tuple(e) for e in events]


def test_gold_answers_score_full_marks_on_submit(app, make_user, imported):
    from assess.services.attempts import save_answer, start_attempt, submit
    user_id = make_user()
    with app.app_context():
        attempt = start_attempt(user_id, SCREENING, FIXED_NOW, seed=99)
        for response in attempt.responses:
            save_answer(attempt.id, user_id, response.position,
                        gold_answer(response.item_version.content), 1, FIXED_NOW)
        attempt = submit(attempt.id, user_id, FIXED_NOW)
        assert attempt.status == "awaiting_grading" and attempt.finalised_by == "applicant"
        assert attempt.auto_points == attempt.auto_max_points > 0
        assert all(r.grade_detail["answered"] for r in attempt.responses)
