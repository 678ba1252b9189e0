"""The queue at any size: filters on columns the tasks carry, counts that stop at a cap, the
filter's options from an index, and the plans that make them flat (``make bench-queue``)."""
from __future__ import annotations

import os

import pytest
from grading_support import finished_attempts
from helpers import FIXED_NOW
from sqlalchemy import select

ON_POSTGRES = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql")


def _options_by_joins():
    """The filter's options as the page computed them before: a DISTINCT over joins."""
    from assess.extensions import db
    from assess.models import Attempt, GradingTask, Item, ItemVersion, Response
    rows = db.session.execute(
        select(Attempt.assessment_id, Item.id, Item.slug, GradingTask.kind).distinct()
        .select_from(GradingTask).join(Response).join(Attempt)
        .join(ItemVersion, ItemVersion.id == Response.item_version_id).join(Item)
        .where(GradingTask.status == "open")).all()
    return ({r[0] for r in rows}, sorted({(r[1], r[2]) for r in rows}, key=lambda x: x[1]),
            sorted({r[3] for r in rows}))


def test_tasks_carry_their_assessment_and_item(app, make_user, imported):
    from assess.extensions import db
    from assess.models import GradingTask
    finished_attempts(app, make_user, 2)
    with app.app_context():
        tasks = db.session.scalars(select(GradingTask)).all()
        assert tasks
        for task in tasks:
            assert task.assessment_id == task.response.attempt.assessment_id
            assert task.item_id == task.response.item_version.item_id


def test_filter_options_match_the_open_tasks(app, make_user, imported):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import grading
    finished_attempts(app, make_user, 3)
    with app.app_context():
        first = db.session.scalars(select(GradingTask).order_by(GradingTask.id)).first()
        first.status = "final"  # a graded task offers nothing to filter on by itself
        db.session.commit()
        assessments, items, kinds = _options_by_joins()
        options = grading.queue_filters()
        assert {a for a, _ in options["assessments"]} == assessments
        assert options["assessments"] == [(assessments.pop(), "General AI answer review "
                                           "screening")]
        assert options["items"] == items and len(items) > 1
        assert [kind for kind, _ in options["kinds"]] == kinds
        assert ("rewrite", "Rewrite") in options["kinds"]


def test_a_filter_hands_out_only_matching_tasks(app, make_user, imported, quiet):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import grading
    from assess.services.grading_queue import QueueFilter
    finished_attempts(app, make_user, 2)
    grader = make_user("g@example.org", "grader")
    with app.app_context():
        last = db.session.scalars(select(GradingTask).order_by(GradingTask.id.desc())).first()
        where = QueueFilter(item_id=last.item_id, kind=last.kind)
        matching = db.session.scalars(select(GradingTask.id).where(
            GradingTask.item_id == last.item_id, GradingTask.kind == last.kind)
            .order_by(GradingTask.id)).all()
        assert grading.progress(grader, FIXED_NOW, where).available.number == len(matching)
        task_id = grading.claim_next(grader, FIXED_NOW, where)
        assert task_id == matching[0]
        other = QueueFilter(assessment_id=last.assessment_id + 1000)
        assert grading.progress(grader, FIXED_NOW, other).available.number == 0


def test_counts_stop_at_the_cap_and_say_so(app, make_user, imported, login, monkeypatch):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import grading, grading_queue
    finished_attempts(app, make_user, 2)
    with app.app_context():
        total = len(db.session.scalars(select(GradingTask.id)).all())
    client = login("grader@example.org", role="grader")
    page = client.get("/grading/").text
    assert f"<dd>{total} tasks with these filters</dd>" in page
    monkeypatch.setattr(grading_queue, "COUNT_CAP", 3)
    with app.app_context():
        available = grading.progress(0, FIXED_NOW).available  # user 0: nobody
        assert (available.number, available.more, str(available)) == (3, True, "3+")
    assert "<dd>3+ tasks with these filters</dd>" in client.get("/grading/").text


def test_a_cap_reached_exactly_is_not_more(app, make_user, imported, monkeypatch):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import grading, grading_queue
    finished_attempts(app, make_user, 1)
    with app.app_context():
        total = len(db.session.scalars(select(GradingTask.id)).all())
        monkeypatch.setattr(grading_queue, "COUNT_CAP", total)
        available = grading.progress(0, FIXED_NOW).available
        assert (available.number, available.more) == (total, False)


@pytest.mark.skipif(ON_POSTGRES, reason="PostgreSQL plans tiny tables with scans; the bench "
                    "shows its plans at 100,000 tasks")
def test_sqlite_plans_use_the_queue_indexes(app, make_user, imported):
    from assess.extensions import db
    from assess.services import grading_queue as queue
    finished_attempts(app, make_user, 1)
    with app.app_context():
        def plan(sql, *params):
            return " ".join(row[-1] for row in db.session.connection().exec_driver_sql(
                "EXPLAIN QUERY PLAN " + sql, params))

        held = plan("SELECT id FROM grading_tasks WHERE lease_holder_id = ? "
                    "AND lease_expires_at >= ?", 5, FIXED_NOW.isoformat())
        assert "ix_grading_tasks_held" in held and "SCAN grading_tasks" not in held
        for column in ("assessment_id", "item_id", "kind"):
            found = plan(queue.OPEN_VALUES.format(
                column=column, hint=f"INDEXED BY ix_grading_tasks_open_{column}"))
            assert f"ix_grading_tasks_open_{column} ({column}>?)" in found
        filtered = plan("SELECT id FROM grading_tasks WHERE status = 'open' AND item_id = ? "
                        "ORDER BY id LIMIT 10", 1)
        assert "ix_grading_tasks_open_item_id (item_id=?)" in filtered
