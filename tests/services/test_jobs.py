"""The job runner (assess/jobs): where jobs wait, what each job does, and real workers: the
worker command runs queued and periodic jobs, and a job cut short by a killed worker runs
again, its effect happening once."""
from __future__ import annotations

import shutil
import signal
import subprocess
import time
from datetime import datetime, timedelta, timezone

import pytest
from grading_support import SCREENING, certificates_of, finished_attempts, grade_all, the_attempt
from helpers import FIXED_NOW
from job_support import (
    drain,
    flask_worker,
    gated_worker,
    keep_jobs,
    pending,
    start,
    stop,
    wait_for,
    worker_env,
)
from sqlalchemy import func, select, update


def scored_with_certificate_due(app, make_user) -> tuple[int, int]:
    """A graded attempt whose certificate is due, not yet signed: (user id, attempt id). The
    applicant wants no notification mail, so no mail job is in the queue."""
    from assess.services import account_settings
    (applicant,) = finished_attempts(app, make_user, 1)
    with app.app_context():
        account_settings.set_notifications(
            applicant, {"notify_results": False, "notify_certificates": False}, now=FIXED_NOW)
    grade_all(app, make_user("grader@example.org", "grader"))
    with app.app_context():
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.certificate_due_at is not None
        return applicant, attempt.id


def score_events(attempt_id: int) -> int:
    from assess.extensions import db
    from assess.models import ScoreEvent
    return db.session.scalar(select(func.count()).select_from(ScoreEvent)
                             .where(ScoreEvent.attempt_id == attempt_id))


# ---- where jobs wait -------------------------------------------------------------------------

def test_jobs_wait_in_the_instance_folder_unless_redis_is_named(app, tmp_path):
    from huey import RedisHuey, SqliteHuey

    from assess.jobs import build_huey, queue
    from assess.settings import Settings, reconfigure
    assert queue(app).huey.immediate  # the tests' setting
    embedded = Settings.from_config({**app.config, "JOBS_IMMEDIATE": False}, tmp_path)
    assert embedded.jobs_database == tmp_path / "jobs.sqlite3"
    huey = build_huey(embedded)
    assert isinstance(huey, SqliteHuey) and huey.storage.filename == str(embedded.jobs_database)
    pytest.importorskip("redis")
    reconfigure(app, JOBS_IMMEDIATE=False, REDIS_URL="redis://127.0.0.1:6399/3")  # lazy connect
    assert isinstance(queue(app).huey, RedisHuey)
    assert set(queue(app).wrappers) == {"issue_certificate", "finalise_expired_attempts",
                                        "repair_scores", "issue_due_certificates",
                                        "deliver_webhook_event", "deliver_due_webhooks",
                                        "send_mail", "mail_reset_link",
                                        "mail_confirmation_link", "send_due_mail"}


def test_the_scheduler_runs_the_sweep_every_minute(app):
    from assess.jobs import queue
    huey = queue(app).huey
    for minute in (0, 1, 37):
        names = {task.name for task in huey.read_periodic(FIXED_NOW.replace(minute=minute))}
        assert names == {"finalise_expired_attempts", "repair_scores", "issue_due_certificates",
                         "deliver_due_webhooks", "send_due_mail"}


# ---- what the jobs do ------------------------------------------------------------------------

def test_the_grade_that_scores_queues_the_certificate(quiet, make_user, imported, tmp_path,
                                                      monkeypatch):
    keep_jobs(quiet, tmp_path)
    applicant, attempt_id = scored_with_certificate_due(quiet, make_user)
    assert pending(quiet) == ["issue_certificate"]  # submitting queued nothing: nothing was due
    with quiet.app_context():
        assert certificates_of(attempt_id) == []
    assert drain(quiet, monkeypatch) == 1
    with quiet.app_context():
        assert [c.tier_slug for c in certificates_of(attempt_id)] == ["expert"]
        assert the_attempt(applicant).certificate_due_at is None


def test_a_queue_out_of_reach_loses_no_certificate(quiet, make_user, imported, tmp_path,
                                                   monkeypatch):
    from assess import jobs
    from assess.jobs import tasks
    keep_jobs(quiet, tmp_path)

    def unreachable(*args):
        raise ConnectionError("the queue is down")
    monkeypatch.setattr(tasks.issue_certificate, "enqueue", unreachable)
    applicant, attempt_id = scored_with_certificate_due(quiet, make_user)  # no error surfaces
    monkeypatch.undo()
    assert pending(quiet) == []
    jobs.queue(quiet).wrappers["issue_due_certificates"]()
    drain(quiet, monkeypatch)
    with quiet.app_context():
        assert len(certificates_of(attempt_id)) == 1


def test_the_periodic_jobs_finalise_score_and_issue(quiet, make_user, imported, tmp_path,
                                                    monkeypatch):
    from assess.extensions import db
    from assess.jobs import queue
    from assess.models import Attempt
    from assess.services.attempts import start_attempt
    keep_jobs(quiet, tmp_path)
    applicant, attempt_id = scored_with_certificate_due(quiet, make_user)
    queue(quiet).huey.flush()  # the job is lost
    with quiet.app_context():  # and the old race: every task final, the attempt never scored
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(
            status="awaiting_grading", score=None, tier_slug=None, scored_at=None,
            certificate_due_at=None))
        db.session.commit()
        expired = start_attempt(make_user("late@example.org"), SCREENING, FIXED_NOW).id
    quiet.config["CLOCK"] = lambda: FIXED_NOW + timedelta(hours=2)
    wrappers = queue(quiet).wrappers
    for _ in range(2):  # and again: nothing happens twice
        for name in ("finalise_expired_attempts", "repair_scores", "issue_due_certificates"):
            wrappers[name]()
        drain(quiet, monkeypatch)
    with quiet.app_context():
        assert db.session.get(Attempt, expired).finalised_by == "sweep"
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.tier_slug == "expert"
        assert len(certificates_of(attempt_id)) == 1
        assert score_events(attempt_id) == 2  # the first scoring, and the repair's


def test_immediate_mode_signs_in_the_request(quiet, make_user, imported):
    (applicant,) = finished_attempts(quiet, make_user, 1)
    grade_all(quiet, make_user("grader@example.org", "grader"))
    with quiet.app_context():
        attempt = the_attempt(applicant)
        assert attempt.certificate_due_at is None and len(certificates_of(attempt.id)) == 1


def test_no_worker_runs_in_immediate_mode(runner):
    result = runner.invoke(args=["jobs", "worker"])
    assert result.exit_code == 1 and "JOBS_IMMEDIATE is set" in result.output


# ---- real workers ----------------------------------------------------------------------------

def test_the_worker_command_runs_queued_and_periodic_jobs(quiet, make_user, imported, tmp_path):
    from assess.extensions import db
    from assess.models import Attempt
    from assess.services.attempts import start_attempt
    keep_jobs(quiet, tmp_path)
    _, attempt_id = scored_with_certificate_due(quiet, make_user)
    two_hours_ago = datetime.now(timezone.utc) - timedelta(hours=2)  # the worker's clock
    with quiet.app_context():
        expired = start_attempt(make_user("late@example.org"), SCREENING, two_hours_ago).id
    log = tmp_path / "worker.log"
    worker = start(flask_worker("--workers", "2"), worker_env(quiet, tmp_path), log)

    def done() -> bool:
        with quiet.app_context():
            finalised = db.session.get(Attempt, expired).finalised_by
            return finalised == "sweep" and len(certificates_of(attempt_id)) == 1
    wait_for(done, worker, log, "the certificate issued and the expired attempt finalised")
    assert stop(worker) == 0, log.read_text()  # Ctrl-C: a clean stop


def test_a_job_cut_short_by_a_killed_worker_runs_again_once(quiet, make_user, imported,
                                                            tmp_path):
    keep_jobs(quiet, tmp_path)
    applicant, attempt_id = scored_with_certificate_due(quiet, make_user)
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "hold").touch()
    env = worker_env(quiet, tmp_path, ASSESS_JOBS_LEASE_SECONDS="1")
    log = tmp_path / "worker.log"

    def signings() -> int:
        started = gate / "started"
        return len(started.read_text().splitlines()) if started.exists() else 0

    first = start(gated_worker(gate), env, log)
    wait_for(lambda: signings() == 1, first, log, "the job reaching the signing")
    first.send_signal(signal.SIGKILL)  # mid-job: the attempt locked, nothing committed
    first.wait()
    with quiet.app_context():
        assert certificates_of(attempt_id) == []
        assert the_attempt(applicant).certificate_due_at is not None
    (gate / "hold").unlink()
    def issued() -> bool:
        with quiet.app_context():
            return len(certificates_of(attempt_id)) > 0
    second = start(gated_worker(gate), env, log)
    try:
        wait_for(issued, second, log, "the job running again")
        time.sleep(0.5)  # room for a duplicate, were there one
    finally:
        stopped = stop(second)
    assert stopped == 0, log.read_text()
    assert signings() == 2, "the killed job ran again, once"
    with quiet.app_context():
        assert len(certificates_of(attempt_id)) == 1
        assert score_events(attempt_id) == 1
        attempt = the_attempt(applicant)
        assert attempt.status == "scored" and attempt.certificate_due_at is None
    assert "stopped while running it" in log.read_text()


# ---- Redis -----------------------------------------------------------------------------------

@pytest.fixture
def redis_url(tmp_path):
    """A throwaway redis-server on a Unix socket, when the machine has one."""
    pytest.importorskip("redis")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server not installed (apt-get install redis-server)")
    socket_path = tmp_path / "redis.sock"
    server = subprocess.Popen([binary, "--port", "0", "--unixsocket", str(socket_path),
                               "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not socket_path.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not socket_path.exists():
        server.kill()
        pytest.skip("redis-server did not start")
    yield f"unix://{socket_path}"
    server.terminate()
    server.wait(10)


def test_redis_holds_the_jobs_and_a_dead_workers_job_runs_again(quiet, make_user, imported,
                                                                redis_url, monkeypatch):
    from huey.signals import SIGNAL_EXECUTING

    from assess.jobs import queue
    from assess.jobs.redelivery import ALIVE, Redelivery
    from assess.settings import reconfigure
    reconfigure(quiet, JOBS_IMMEDIATE=False, REDIS_URL=redis_url)
    applicant, attempt_id = scored_with_certificate_due(quiet, make_user)
    huey = queue(quiet).huey
    assert pending(quiet) == ["issue_certificate"]
    dead, alive, late = (Redelivery(huey, lease_seconds=60) for _ in range(3))
    dead._on_signal(SIGNAL_EXECUTING, huey.dequeue())  # it took the job and then died
    huey.storage.put_data(ALIVE + dead.worker, str(time.time() - 120).encode())
    alive.beat()
    assert pending(quiet) == []
    assert len(alive.requeue_orphans()) == 1
    assert late.requeue_orphans() == []  # put back once, whoever looks
    assert drain(quiet, monkeypatch) == 1
    with quiet.app_context():
        assert len(certificates_of(attempt_id)) == 1
