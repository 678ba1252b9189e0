"""The periodic repair: a signing failure never loses a mark and is retried until it works;
the sweep finalises attempt by attempt; attempts left unscored are scored."""
from __future__ import annotations

from datetime import timedelta

from grading_support import SCREENING, certificates_of, finished_attempts, grade_all, the_attempt
from helpers import FIXED_NOW
from sqlalchemy import select, update


def test_a_signing_failure_keeps_the_mark_and_is_retried(quiet, make_user, imported, runner,
                                                         monkeypatch, client):
    from assess.credentials import dataintegrity
    from assess.models import Grade
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grader = make_user("grader@example.org", "grader")

    def broken(*args, **kwargs):
        raise ValueError("the signing key was rejected")
    monkeypatch.setattr(dataintegrity, "sign", broken)
    grade_all(quiet, grader)  # the last task too: no error reaches the grader
    with quiet.app_context():
        from assess.extensions import db
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.tier_slug == "expert"
        assert db.session.scalar(select(Grade.id).where(Grade.grader_id == grader)) is not None
        assert certificates_of(attempt.id) == []
        assert attempt.certificate_due_at is not None and attempt.certificate_tries == 1
        assert "the signing key was rejected" in attempt.certificate_error

    failing = runner.invoke(args=["sweep"])
    assert failing.exit_code == 1 and "the signing key was rejected" in failing.output

    make_user("admin@example.org", "admin")
    client.post("/auth/login", data={"email": "admin@example.org",
                                     "password": "correct horse battery"})
    page = client.get("/admin/certificates").text
    assert "1 certificate waiting to be signed" in page and "the signing key was rejected" in page

    monkeypatch.undo()
    done = runner.invoke(args=["sweep"])
    assert done.exit_code == 0, done.output
    assert "Issued 1 certificate(s) that were due." in done.output
    with quiet.app_context():
        attempt = the_attempt(applicant)
        assert [c.tier_slug for c in certificates_of(attempt.id)] == ["expert"]
        assert attempt.certificate_due_at is None and attempt.certificate_error is None
    assert "waiting to be signed" not in client.get("/admin/certificates").text
    again = runner.invoke(args=["sweep"])
    assert "Issued 0 certificate(s)" in again.output


def test_the_sweep_scores_attempts_whose_grading_is_complete(quiet, make_user, imported,
                                                             runner):
    """An attempt left awaiting grading with every task final (the old race) is scored."""
    from assess.extensions import db
    from assess.models import Attempt
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grade_all(quiet, make_user("grader@example.org", "grader"))
    with quiet.app_context():
        attempt_id = the_attempt(applicant).id
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
            status="awaiting_grading", score=None, tier_slug=None, scored_at=None))
        for certificate in certificates_of(attempt_id):
            db.session.delete(certificate)
        db.session.commit()
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "Scored 1 attempt(s) whose grading was complete." in result.output
    with quiet.app_context():
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.tier_slug == "expert"
        assert len(certificates_of(attempt_id)) == 1
    assert "Scored 0 attempt(s)" in runner.invoke(args=["sweep"]).output


def test_one_failing_attempt_does_not_undo_the_rest_of_the_sweep(app, make_user, imported,
                                                                 monkeypatch):
    from assess.services import attempts, grading
    with app.app_context():
        ids = [attempts.start_attempt(make_user(f"a{n}@example.org"), SCREENING, FIXED_NOW,
                                      seed=n).id for n in range(3)]
    real = grading.create_tasks

    def fails_for_the_second(attempt, now):
        if attempt.id == ids[1]:
            raise RuntimeError("a damaged item version")
        return real(attempt, now)
    monkeypatch.setattr(grading, "create_tasks", fails_for_the_second)
    with app.app_context():
        report = attempts.sweep(FIXED_NOW + timedelta(hours=2))
        assert sorted(report.finalised) == [ids[0], ids[2]]
        assert [attempt_id for attempt_id, _ in report.failed] == [ids[1]]
        assert "a damaged item version" in report.failed[0][1]
        from assess.extensions import db
        from assess.models import Attempt
        statuses = {a.id: a.status for a in db.session.scalars(select(Attempt))}
        assert statuses[ids[1]] == "in_progress"
        assert statuses[ids[0]] != "in_progress" and statuses[ids[2]] != "in_progress"


def test_the_clock_poll_reads_one_row(app, make_user, imported, client):
    """The 30-second poll loads no responses or item versions while the attempt is open."""
    from sqlalchemy import event

    from assess.extensions import db
    from assess.services.attempts import start_attempt
    user_id = make_user()
    client.post("/auth/login", data={"email": "someone@example.org",
                                     "password": "correct horse battery"})
    with app.app_context():
        attempt = start_attempt(user_id, SCREENING, FIXED_NOW)
        attempt_id = attempt.id
        engine = db.engine
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        reply = client.get(f"/attempts/{attempt_id}/clock")
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert reply.status_code == 200 and reply.json["status"] == "in_progress"
    touched = " ".join(statements).lower()
    assert "from responses" not in touched and "item_versions" not in touched
