"""References mixed into the queue, and each grader's drift reported to leads."""
from __future__ import annotations

from grading_support import bottom_levels, finished_attempts, top_levels
from helpers import FIXED_NOW

from assess.settings import reconfigure


def _grade_everything(app, grader, levels=top_levels):
    from assess.services import grading
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        done = []
        while task_id is not None:
            done.append(task_id)
            task_id = grading.submit_grade(task_id, grader, levels(app, task_id), "", FIXED_NOW)
        return done


def test_references_are_served_unmarked_and_measure_drift(app, make_user, login, imported):
    from assess.extensions import db
    from assess.models import GradingTask
    from assess.services import calibration, grading
    # Three references are far too few to flag anyone by default; here they may, and the
    # newcomer's marks are so far off that even three make the interval clear.
    reconfigure(app, GRADING_DOUBLE_SHARE=0.0, GRADING_CALIBRATION_RATE=0.0,
                     GRADING_DRIFT_MIN_MARKS=3)
    finished_attempts(app, make_user, 1)
    first = make_user("first@example.org", "grader")
    lead = make_user("lead@example.org", "lead")
    graded = _grade_everything(app, first)
    assert len(graded) >= 3
    with app.app_context():
        for task_id in graded[:3]:
            calibration.mark_reference(task_id, lead, FIXED_NOW)
        finals = {t: db.session.get(GradingTask, t).final_points for t in graded[:3]}
    reconfigure(app, GRADING_CALIBRATION_RATE=1.0)
    newcomer = make_user("new@example.org", "grader")
    with app.app_context():
        served = []
        task_id = grading.claim_next(newcomer, FIXED_NOW)
        while task_id in finals:
            served.append(task_id)
            view = grading.task_view(task_id, newcomer, FIXED_NOW)
            assert "reference" not in repr(view).lower()  # nothing gives it away
            task_id = grading.submit_grade(task_id, newcomer, bottom_levels(app, task_id), "",
                                           FIXED_NOW)
        assert sorted(served) == sorted(finals)
        for task_id, points in finals.items():  # calibration marks change no result
            assert db.session.get(GradingTask, task_id).final_points == points
        report = calibration.report()
    rows = {row.grader_id: row.standing for row in report.graders}
    assert rows[newcomer].references == 3 and rows[newcomer].flagged
    assert rows[newcomer].mean_deviation > 0.5
    assert not rows[first].flagged
    assert report.references == 3

    client = login("lead2@example.org", role="lead")
    page = client.get("/grading/calibration").text
    assert "Drifting:" in page and '<th scope="row">new</th>' in page
    grader_client = login("g@example.org", role="grader")
    assert grader_client.get("/grading/calibration").status_code == 403


def test_peer_agreement_and_alpha_from_double_marks(app, make_user, imported):
    from assess.services import calibration
    reconfigure(app, GRADING_DOUBLE_SHARE=1.0, GRADING_CALIBRATION_RATE=0.0,
                     GRADING_ADJUDICATION_THRESHOLD=1.0, GRADING_DRIFT_MIN_MARKS=3)
    finished_attempts(app, make_user, 1)
    a, b = make_user("a@example.org", "grader"), make_user("b@example.org", "grader")
    _grade_everything(app, a)  # every level at the top
    _grade_everything(app, b, bottom_levels)  # every level at the bottom
    with app.app_context():
        report = calibration.report()
    rows = {row.grader_id: row.standing for row in report.graders}
    assert rows[a].peers == rows[b].peers == report.double_marked >= 3
    # b never varies, so agreement is no better than chance; every pair is maximally apart.
    assert rows[a].kappa_peers == rows[b].kappa_peers == 0.0
    assert rows[a].flagged and rows[b].flagged
    assert report.alpha is not None and report.alpha < 0


def test_only_final_tasks_become_references(app, make_user, imported):
    import pytest

    from assess.services import ServiceError, calibration, grading
    finished_attempts(app, make_user, 1)
    grader, lead = make_user("g@example.org", "grader"), make_user("l@example.org", "lead")
    with app.app_context():
        task_id = grading.claim_next(grader, FIXED_NOW)
        with pytest.raises(ServiceError) as refused:
            calibration.mark_reference(task_id, lead, FIXED_NOW)
        assert refused.value.code == "not_final"


def test_nine_tasks_with_seven_exact_agreements_flag_nobody(app, make_user, login, imported):
    """Two graders double-mark nine tasks and agree exactly on seven. κ over criterion levels
    is 0.17, under the 0.40 floor, and both used to be flagged as drifting; nine marks say
    nothing yet, and the interval shows why."""
    from assess.services import calibration, grading
    reconfigure(app, GRADING_DOUBLE_SHARE=1.0, GRADING_CALIBRATION_RATE=0.0,
                     GRADING_ADJUDICATION_THRESHOLD=1.0)
    finished_attempts(app, make_user, 2)
    a, b = make_user("a@example.org", "grader"), make_user("b@example.org", "grader")
    _grade_everything(app, a)
    with app.app_context():
        task_id = grading.claim_next(b, FIXED_NOW)
        for n in range(1, 10):  # b marks nine of a's tasks, two of them at the bottom
            levels = bottom_levels if n in (3, 6) else top_levels
            task_id = grading.submit_grade(task_id, b, levels(app, task_id), "", FIXED_NOW)
        report = calibration.report()
    rows = {row.grader_id: row.standing for row in report.graders}
    for grader in (a, b):
        peer = rows[grader].peer
        assert (peer.tasks, peer.exact) == (9, 7)
        assert peer.kappa < 0.4 and peer.kappa_interval.low < 0.4 < peer.kappa_interval.high
        assert not rows[grader].flagged
    # Even with the minimum lowered to nine, the interval straddles the floor: no flag.
    reconfigure(app, GRADING_DRIFT_MIN_MARKS=9)
    with app.app_context():
        assert not any(row.standing.flagged for row in calibration.report().graders)
    reconfigure(app, GRADING_DRIFT_MIN_MARKS=30)

    page = login("lead@example.org", role="lead").get("/grading/calibration").text
    assert "Drifting:" not in page
    assert page.count("Not enough marks yet (9 of 30 peer comparisons, 0 of 30 references)") == 2
    assert page.count("7 exact (78%; 95%: 45% to 94%)") == 2  # Wilson, 7 of 9
    low, high = rows[a].peer.kappa_interval.low, rows[a].peer.kappa_interval.high
    assert f"{rows[a].kappa_peers:.2f}<br><small class=\"muted\">95%: {low:.2f} to {high:.2f}" \
        in page
