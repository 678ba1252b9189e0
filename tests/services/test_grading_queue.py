"""The grading queue against the database: tasks at submission, leases, double marking,
adjudication, and 8 graders claiming at once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from grading_support import finished_attempts, top_levels
from helpers import FIXED_NOW
from sqlalchemy import func, select

from assess.settings import reconfigure


def _tasks(app):
    from assess.extensions import db
    from assess.models import GradingTask
    with app.app_context():
        return [(t.id, t.status, t.grades_required, t.grades_done, t.final_points, t.resolution)
                for t in db.session.scalars(select(GradingTask).order_by(GradingTask.id))]


def test_submission_makes_one_task_per_written_part(app, make_user, imported):
    from assess import items as item_types
    from assess.extensions import db
    from assess.models import GradingTask, Response
    finished_attempts(app, make_user, 1)
    with app.app_context():
        expected = 0
        for response in db.session.scalars(select(Response)):
            content = response.item_version.content
            expected += len(item_types.get(content["type"]).human_parts(content, response.answer))
        tasks = db.session.scalars(select(GradingTask)).all()
        assert expected > 0 and len(tasks) == expected
        assert {t.kind for t in tasks} >= {"justification", "rewrite"}
        assert all(t.text.strip() and t.max_points > 0 and t.status == "open" for t in tasks)


def test_empty_written_parts_make_no_task(app, make_user, imported):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services.attempts import start_attempt, submit
    user_id = make_user()
    with app.app_context():
        attempt = start_attempt(user_id, "general-screening", FIXED_NOW)
        submit(attempt.id, user_id, FIXED_NOW)
        assert db.session.scalar(select(func.count()).select_from(GradingTask)) == 0


def test_a_lease_expires_and_the_task_returns(app, make_user, imported):
    from assess.services import ServiceError, grading
    finished_attempts(app, make_user, 1)
    first, second = make_user("g1@example.org", "grader"), make_user("g2@example.org", "grader")
    with app.app_context():
        task = grading.claim_next(first, FIXED_NOW)
        assert grading.claim_next(first, FIXED_NOW) == task  # one task at a time
        assert grading.claim_next(second, FIXED_NOW) != task  # held: not handed out twice
        later = FIXED_NOW + timedelta(minutes=11)
        # Both leases have run out: the first task in the queue is free again.
        assert grading.claim_next(second, later) == task
        with pytest.raises(ServiceError) as refused:
            grading.submit_grade(task, first, top_levels(app, task), "", later)
        assert refused.value.code in ("lease_expired", "not_holder")


def test_renewing_keeps_the_lease(app, make_user, imported):
    from assess.services import grading
    finished_attempts(app, make_user, 1)
    grader = make_user("g1@example.org", "grader")
    other = make_user("g2@example.org", "grader")
    with app.app_context():
        task = grading.claim_next(grader, FIXED_NOW)
        grading.renew_lease(task, grader, FIXED_NOW + timedelta(minutes=9))
        assert grading.claim_next(other, FIXED_NOW + timedelta(minutes=15)) != task


def test_double_marking_agreement_and_adjudication(app, make_user, imported):
    from grading_support import bottom_levels

    from assess.extensions import db
    from assess.models import Grade, GradingTask
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=1.0)
    finished_attempts(app, make_user, 1)
    a, b = make_user("a@example.org", "grader"), make_user("b@example.org", "grader")
    lead = make_user("lead@example.org", "lead")
    with app.app_context():
        first = grading.claim_next(a, FIXED_NOW)
        grading.submit_grade(first, a, top_levels(app, first), "fine", FIXED_NOW)
        assert db.session.get(GradingTask, first).status == "open"  # needs a second mark
        # b takes tasks in order; the first task is free again for b.
        assert grading.claim_next(b, FIXED_NOW) == first
        grading.submit_grade(first, b, bottom_levels(app, first), "weak", FIXED_NOW)
        task = db.session.get(GradingTask, first)
        db.session.refresh(task)
        assert task.status == "needs_adjudication" and task.final_points is None
        # a grader who marked it cannot mark it again
        assert grading.claim_next(a, FIXED_NOW) != first
        assert grading.claim_adjudication(a, FIXED_NOW) is None  # not a lead's queue for a
        assert grading.claim_adjudication(lead, FIXED_NOW) == first
        view = grading.task_view(first, lead, FIXED_NOW)
        assert [g["label"] for g in view.other_grades] == ["Grader 1", "Grader 2"]
        grading.submit_grade(first, lead, top_levels(app, first), "A is right", FIXED_NOW)
        db.session.refresh(task)
        assert (task.status, task.resolution) == ("final", "adjudicated")
        assert task.final_points == task.max_points
        kinds = db.session.scalars(select(Grade.kind).where(Grade.task_id == first)).all()
        assert sorted(kinds) == ["adjudication", "independent", "independent"]


def test_close_double_marks_are_averaged(app, make_user, imported):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=1.0)
    finished_attempts(app, make_user, 1)
    a, b = make_user("a@example.org", "grader"), make_user("b@example.org", "grader")
    with app.app_context():
        task_id = grading.claim_next(a, FIXED_NOW)
        grading.submit_grade(task_id, a, top_levels(app, task_id), "", FIXED_NOW)
        assert grading.claim_next(b, FIXED_NOW) == task_id
        grading.submit_grade(task_id, b, top_levels(app, task_id), "", FIXED_NOW)
        task = db.session.get(GradingTask, task_id)
        assert (task.status, task.resolution, task.final_points) == \
            ("final", "agreed", task.max_points)


def test_no_grader_gets_a_task_from_their_own_attempt(app, make_user, imported):
    from assess.services import grading
    (applicant,) = finished_attempts(app, make_user, 1)
    from assess.extensions import db
    from assess.models import User
    with app.app_context():
        db.session.get(User, applicant).role = "grader"  # an applicant later hired as grader
        db.session.commit()
        assert grading.claim_next(applicant, FIXED_NOW) is None


@pytest.mark.parametrize("levels, field", [({}, None), ({"nope": "1"}, "levels.nope")])
def test_levels_outside_the_rubric_are_refused(app, make_user, imported, levels, field):
    from assess.extensions import db
    from assess.models import Grade
    from assess.services import ServiceError, grading
    finished_attempts(app, make_user, 1)
    grader = make_user("g@example.org", "grader")
    with app.app_context():
        task = grading.claim_next(grader, FIXED_NOW)
        bad = {**top_levels(app, task), **levels} if levels else {}
        with pytest.raises(ServiceError) as refused:
            grading.submit_grade(task, grader, bad, "", FIXED_NOW)
        assert refused.value.code == "invalid_level"
        if field:
            assert refused.value.field == field
        criterion = next(iter(top_levels(app, task)))
        with pytest.raises(ServiceError):
            grading.submit_grade(task, grader, {**top_levels(app, task), criterion: "99"}, "",
                                 FIXED_NOW)
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Grade)) == 0


def test_eight_graders_claiming_at_once_never_share_a_task(app, make_user, imported):
    """Every task is graded exactly as often as required, by different graders."""
    from assess.extensions import db
    from assess.models import Grade, GradingTask
    from assess.services import grading
    reconfigure(app, GRADING_DOUBLE_SHARE=0.5)
    finished_attempts(app, make_user, 3)
    graders = [make_user(f"grader{n}@example.org", "grader") for n in range(8)]
    held: dict[int, list[int]] = {}
    lock = threading.Lock()
    overlaps: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    barrier = None

    def work(grader_id):
        with app.app_context():
            try:
                barrier.wait()
                task_id = grading.claim_next(grader_id, FIXED_NOW)
                while task_id is not None:
                    with lock:
                        holders = held.setdefault(task_id, [])
                        if holders:
                            overlaps.append((task_id, grader_id))
                        holders.append(grader_id)
                    levels = top_levels(app, task_id)
                    with lock:
                        held[task_id].remove(grader_id)
                    task_id = grading.submit_grade(task_id, grader_id, levels, "", FIXED_NOW)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    # A grader who finds the queue empty stops; a second mark may only become available once
    # the first is in, so graders come back for a few rounds, as they would in real life.
    for _ in range(5):
        barrier = threading.Barrier(len(graders))
        threads = [threading.Thread(target=work, args=(g,)) for g in graders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        with app.app_context():
            if all(t.status == "final" for t in db.session.scalars(select(GradingTask))):
                break
    assert not errors, errors
    assert not overlaps
    with app.app_context():
        tasks = db.session.scalars(select(GradingTask)).all()
        assert tasks and all(t.status == "final" for t in tasks)
        assert any(t.grades_required == 2 for t in tasks)
        for task in tasks:
            marks = db.session.execute(select(Grade.grader_id).where(
                Grade.task_id == task.id, Grade.kind == "independent")).scalars().all()
            assert len(marks) == task.grades_required == task.grades_done
            assert len(set(marks)) == len(marks)  # two different people


def test_tasks_that_could_decide_a_tier_are_double_marked(app, make_user, imported):
    from assess.core.grading import could_cross_a_tier
    from assess.extensions import db
    from assess.models import Attempt, GradingTask, TierRule
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0)  # only the tier rule marks twice
    with app.app_context():  # an Expert minimum just under a perfect automatic score
        db.session.scalar(select(TierRule).where(TierRule.slug == "expert")).min_overall = 0.95
        db.session.commit()
    finished_attempts(app, make_user, 1)
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        tasks = db.session.scalars(select(GradingTask)).all()
        written = sum(t.max_points for t in tasks)
        thresholds = [tier.min_overall for tier in attempt.assessment_version.tiers]
        for task in tasks:
            expected = could_cross_a_tier(attempt.auto_points, attempt.auto_max_points, written,
                                          task.max_points, thresholds)
            assert task.grades_required == (2 if expected else 1)
        # Every automatic point won: 1.0 projected, and 0.95 is within reach of every task.
        assert attempt.auto_points == attempt.auto_max_points
        assert tasks and all(t.grades_required == 2 for t in tasks)
