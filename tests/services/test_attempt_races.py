"""Every use case that changes an attempt, raced against another one that changes it too.

Each test drives one interleaving deterministically (``race_support.interleave``: the first
use case stops just before its commit or a chosen statement, the second runs until it is done
or waits for a lock, then the first goes on) on PostgreSQL, and asserts the end state: every
attempt scored exactly once, the stored answer the one that was graded, one lease holder, one
current certificate.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from exam_support import gold_answer
from grading_support import (
    SCREENING,
    bottom_levels,
    corrected_banks,
    finished_attempts,
    grade_all,
    top_levels,
)
from helpers import FIXED_NOW
from race_support import interleave, needs_postgresql, statement_starting
from sqlalchemy import func, select

from assess.settings import reconfigure

pytestmark = needs_postgresql


def _db():
    from assess.extensions import db
    return db


def attempt_of(user_id):
    from assess.models import Attempt
    return _db().session.scalar(select(Attempt).where(Attempt.user_id == user_id))


def scored_events(attempt_id):
    from assess.models import ScoreEvent
    return _db().session.scalar(select(func.count()).select_from(ScoreEvent).where(
        ScoreEvent.attempt_id == attempt_id, ScoreEvent.reason == "scored"))


def current_certificates(attempt_id):
    from assess.models import Certificate
    return _db().session.scalars(select(Certificate).where(
        Certificate.attempt_id == attempt_id, Certificate.revoked_at.is_(None),
        Certificate.superseded_by_id.is_(None))).all()


def open_tasks(attempt_id):
    from assess.models import GradingTask, Response
    return _db().session.scalars(
        select(GradingTask.id).join(Response, Response.id == GradingTask.response_id)
        .where(Response.attempt_id == attempt_id, GradingTask.status != "final")).all()


# ---- 1. the last two grades of an attempt at the same moment ---------------------------------

def test_the_last_two_grades_at_once_score_the_attempt_once(quiet, make_user, imported):
    from assess.services import grading
    (applicant,) = finished_attempts(quiet, make_user, 1)
    first_grader = make_user("g1@example.org", "grader")
    second_grader = make_user("g2@example.org", "grader")
    with quiet.app_context():
        attempt_id = attempt_of(applicant).id
        held = grading.claim_next(first_grader, FIXED_NOW)
        while len(open_tasks(attempt_id)) > 2:
            held = grading.submit_grade(held, first_grader, top_levels(quiet, held), "",
                                        FIXED_NOW)
        other = grading.claim_next(second_grader, FIXED_NOW)
        assert {held, other} == set(open_tasks(attempt_id))
    first_levels, second_levels = top_levels(quiet, held), top_levels(quiet, other)

    first, second = interleave(
        quiet,
        lambda: grading.submit_grade(held, first_grader, first_levels, "", FIXED_NOW),
        lambda: grading.submit_grade(other, second_grader, second_levels, "", FIXED_NOW))
    first.unwrap(), second.unwrap()

    with quiet.app_context():
        attempt = attempt_of(applicant)
        assert open_tasks(attempt.id) == []
        assert attempt.status == "scored" and attempt.tier_slug == "expert"
        assert scored_events(attempt.id) == 1
        assert [c.tier_slug for c in current_certificates(attempt.id)] == ["expert"]


# ---- 2. a save racing the submission -------------------------------------------------------

def _started_with_gold(app, make_user):
    """An open attempt answered with the gold key, and its first choice item."""
    from assess.services.attempts import save_answer, start_attempt
    user_id = make_user("racer@example.org")
    with app.app_context():
        attempt = start_attempt(user_id, SCREENING, FIXED_NOW, seed=7)
        for response in attempt.responses:
            save_answer(attempt.id, user_id, response.position,
                        gold_answer(response.item_version.content), 1, FIXED_NOW)
        choice = next(r for r in attempt.responses
                      if r.item_version.content["type"] == "choice")
        content = choice.item_version.content
        gold = gold_answer(content)["selected"]
        wrong = {"selected": [next(o["id"] for o in content["options"]
                                   if o["id"] not in gold)]}
        return user_id, attempt.id, choice.position, choice.id, wrong


def _stored(response_id):
    from assess.models import Response
    response = _db().session.get(Response, response_id)
    return response.answer, response.auto_points, response.max_points


def test_a_save_racing_the_submission_never_lands_after_it(app, make_user, imported):
    from assess.models import AnswerEvent
    from assess.services.attempts import save_answer, submit
    user_id, attempt_id, position, response_id, wrong = _started_with_gold(app, make_user)
    with app.app_context():
        graded_answer = _stored(response_id)[0]

    first, second = interleave(
        app, lambda: submit(attempt_id, user_id, FIXED_NOW),
        lambda: save_answer(attempt_id, user_id, position, wrong, 2, FIXED_NOW))
    first.unwrap()
    refused = second.unwrap()

    assert not refused.accepted and getattr(refused, "refused", None) == "attempt_closed"
    with app.app_context():
        answer, points, maximum = _stored(response_id)
        assert answer == graded_answer and points == maximum  # scored on what it stores
        late = _db().session.scalar(select(AnswerEvent).where(
            AnswerEvent.response_id == response_id, AnswerEvent.revision == 2))
        assert late.answer == wrong and late.accepted is False  # kept, not applied


def test_a_save_that_began_first_is_the_answer_the_submission_grades(app, make_user,
                                                                     imported):
    from assess.services.attempts import save_answer, submit
    user_id, attempt_id, position, response_id, wrong = _started_with_gold(app, make_user)

    first, second = interleave(
        app, lambda: save_answer(attempt_id, user_id, position, wrong, 2, FIXED_NOW),
        lambda: submit(attempt_id, user_id, FIXED_NOW))
    assert first.unwrap().accepted
    second.unwrap()

    with app.app_context():
        answer, points, maximum = _stored(response_id)
        assert answer == wrong and points == 0 and maximum > 0


# ---- 3. finalised twice: a visit racing the sweep at the deadline -----------------------------

@pytest.mark.parametrize("answered", [True, False], ids=["written-parts", "left-empty"])
def test_a_visit_racing_the_sweep_finalises_once(app, make_user, imported, answered):
    from assess.models import GradingTask, Response
    from assess.services.attempts import start_attempt, sweep, visit
    if answered:
        user_id, attempt_id, *_ = _started_with_gold(app, make_user)
    else:  # nothing to grade by hand: the attempt is scored as it is finalised
        user_id = make_user("idle@example.org")
        with app.app_context():
            attempt_id = start_attempt(user_id, SCREENING, FIXED_NOW, seed=7).id
    after = FIXED_NOW + timedelta(hours=2)

    first, second = interleave(app, lambda: sweep(after),
                               lambda: visit(attempt_id, user_id, after))
    first.unwrap()
    second.unwrap()  # no IntegrityError for the applicant at the deadline

    with app.app_context():
        attempt = attempt_of(user_id)
        assert attempt.finalised_by == "sweep"
        assert attempt.submitted_at == attempt.deadline_at
        tasks = _db().session.scalar(
            select(func.count()).select_from(GradingTask)
            .join(Response, Response.id == GradingTask.response_id)
            .where(Response.attempt_id == attempt_id))
        if answered:
            assert attempt.status == "awaiting_grading" and tasks > 0
        else:
            assert attempt.status == "scored" and tasks == 0
            assert scored_events(attempt_id) == 1


# ---- 4. an appeal decision racing a regrade ----------------------------------------------------

@pytest.mark.parametrize("regrade_first", [True, False], ids=["regrade-first", "appeal-first"])
def test_an_appeal_decision_racing_a_regrade_both_count(quiet, make_user, imported, tmp_path,
                                                       regrade_first):
    from assess.items.choice import gold_ids
    from assess.models import GradingTask, Response
    from assess.services import appeals, regrade, scoring
    from assess.services.banks import import_paths
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grade_all(quiet, make_user("grader@example.org", "grader"))
    lead = make_user("lead@example.org", "lead")
    admin = make_user("admin@example.org", "admin")
    with quiet.app_context():
        attempt = attempt_of(applicant)
        task = _db().session.scalar(
            select(GradingTask).join(Response, Response.id == GradingTask.response_id)
            .where(Response.attempt_id == attempt.id).order_by(GradingTask.id))
        appeal = appeals.file_appeal(attempt.id, applicant, task.id,
                                     "The grade ignores the second half of my answer.",
                                     FIXED_NOW)
        appeal_id, task_id = appeal.id, task.id
        response = next(r for r in attempt.responses
                        if r.item_version.content["type"] == "choice")
        content = response.item_version.content
        wrong = next(o["id"] for o in content["options"] if o["id"] not in gold_ids(content))
        item = f"starter/{response.item_version.item.slug}"
        import_paths([corrected_banks(tmp_path, response.item_version.item.slug, [wrong])],
                     now=FIXED_NOW)
    lowest = bottom_levels(quiet, task_id)
    later = FIXED_NOW + timedelta(days=1)

    def decide():
        return appeals.decide(appeal_id, lead, change=True, levels=lowest, note="Marked down.",
                              now=later)

    def apply():
        return regrade.apply(item, admin, later)

    first, second = interleave(quiet, *((apply, decide) if regrade_first else (decide, apply)))
    first.unwrap(), second.unwrap()

    with quiet.app_context():
        attempt = attempt_of(applicant)
        task = _db().session.get(GradingTask, task_id)
        assert task.final_points == 0  # the appeal's mark stands
        fresh = scoring.breakdown(attempt, later)
        assert attempt.score == fresh.scored.overall < 1.0  # and the regrade's key counts too
        tier = fresh.decision.tier
        assert attempt.tier_slug == (tier.slug if tier else None)
        current = current_certificates(attempt.id)
        assert [c.tier_slug for c in current] == ([tier.slug] if tier else [])


# ---- 6. a late grade and the next grader's lease ----------------------------------------------

def test_a_late_grade_never_cancels_the_next_graders_lease(app, make_user, imported):
    from assess.models import Grade, GradingTask
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=1.0, GRADING_CALIBRATION_RATE=0.0)
    finished_attempts(app, make_user, 1)
    late, next_grader = make_user("late@example.org", "grader"), make_user("next@example.org",
                                                                           "grader")
    with app.app_context():
        task_id = grading.claim_next(late, FIXED_NOW)
    levels = top_levels(app, task_id)
    in_time = FIXED_NOW + timedelta(minutes=9)  # the late grader's request began in time…
    expired = FIXED_NOW + timedelta(minutes=11)  # …the next grader came after the lease ran out

    first, second = interleave(
        app, lambda: grading.submit_grade(task_id, late, levels, "", in_time),
        lambda: grading.claim_next(next_grader, expired),
        pause_at=statement_starting("update grading_tasks"))
    assert second.unwrap() == task_id

    with app.app_context():
        task = _db().session.get(GradingTask, task_id)
        assert (task.lease_holder_id, task.grades_done) == (next_grader, 0)
        assert getattr(first.error, "code", None) == "not_holder"
        assert _db().session.scalar(select(func.count()).select_from(Grade)
                                    .where(Grade.task_id == task_id)) == 0
        grading.submit_grade(task_id, next_grader, levels, "", expired)
        task = _db().session.get(GradingTask, task_id)
        assert task.grades_done == 1 and task.lease_holder_id is None
