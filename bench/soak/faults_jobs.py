"""The job worker killed mid-job: graded attempts whose certificates are due, each with its
signing job queued; the real ``flask --app assess jobs worker`` starts one, and while that
job waits for the attempt's row (this scenario holds it FOR UPDATE, the way a slow
transaction would) the worker is killed with SIGKILL. Some rounds of that, then a worker
runs to the end: every killed job must run again (the worker's log says it put it back)
and its effect happen once: one certificate per attempt, one score event, nothing due."""
from __future__ import annotations

import time
from pathlib import Path

import gevent
import psycopg
import stack
from ledger import engine_for
from outcome import Outcome
from people import make_app, now, seed_people
from sqlalchemy import text

LEASE_SECONDS = "2"


def run_worker_kill(args, server_url: str, root) -> Outcome:
    outcome = Outcome("worker-kill")
    began = time.monotonic()
    rounds = 2 if args.short else 6
    url = stack.clone_database(server_url, "soak_jobs")
    instance = root / "worker-kill"
    env = stack.app_env(instance, url, 5000, ASSESS_JOBS_LEASE_SECONDS=LEASE_SECONDS,
                        ASSESS_GRADING_DOUBLE_SHARE="0", ASSESS_GRADING_CALIBRATION_RATE="0")
    attempt_ids = _graded_attempts(make_app(env), rounds + 2)
    log = instance / "worker.log"
    killed = 0
    for n in range(rounds):
        with _rows_held(url, attempt_ids):
            worker = stack.JobWorker(env, log)
            worker.start()
            if not _wait(lambda: _blocked_jobs(url) > 0, 60):
                outcome.fail(f"round {n + 1}: no job reached the held attempt within 60 s")
                worker.kill()
                break
            worker.kill()  # SIGKILL mid-job: its transaction is waiting on the row
            killed += 1
    worker = stack.JobWorker(env, log)
    worker.start()
    try:
        done = _wait(lambda: _due(url) == 0, 90)
        gevent.sleep(1.0)  # room for a duplicate, were there one
    finally:
        worker.stop()
    _judge(outcome, url, attempt_ids, log, killed, done)
    outcome.seconds = time.monotonic() - began
    return outcome


def _graded_attempts(app, count: int) -> list[int]:
    """``count`` applicants answer everything with the key and submit; a grader marks every
    task at the top level. Their certificates are then due, and their jobs queued."""
    from assess import items as item_types
    from assess.extensions import db
    from assess.models import GradingTask, User
    from assess.services import grading
    from assess.services.attempts import save_answer, start_attempt, submit
    people = seed_people(app, count, graders=1, prefix="jobs")
    ids = []
    with app.app_context():
        for email in people.applicants:
            user = db.session.query(User).filter_by(email=email).one()
            attempt = start_attempt(user.id, "general-screening", now())
            for response in attempt.responses:
                content = response.item_version.content
                kind = item_types.get(content["type"])
                save_answer(attempt.id, user.id, response.position,
                            kind.with_writing(content, kind.key_answer(content)), 1, now())
            submit(attempt.id, user.id, now())
            ids.append(attempt.id)
        grader = db.session.query(User).filter_by(email=people.graders[0]).one().id
        task_id = grading.claim_next(grader, now())
        while task_id is not None:
            rubric = db.session.get(GradingTask, task_id).rubric_version.definition
            top = {c["id"]: f"{max(level['points'] for level in c['levels']):g}"
                   for c in rubric["criteria"]}
            task_id = grading.submit_grade(task_id, grader, top, "", now())
        db.session.remove()
        db.engine.dispose()
    return ids


class _rows_held:
    """The attempts' rows locked FOR UPDATE in a transaction of this process."""

    def __init__(self, url: str, attempt_ids: list[int]):
        self.url, self.ids = url, attempt_ids

    def __enter__(self):
        self.connection = psycopg.connect(self.url)
        self.connection.execute("SELECT id FROM attempts WHERE id = ANY(%s) FOR UPDATE",
                                (self.ids,))
        return self

    def __exit__(self, *exc):
        self.connection.rollback()
        self.connection.close()


def _blocked_jobs(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'").fetchone()[0]


def _due(url: str) -> int:
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute("SELECT count(*) FROM attempts WHERE "
                                  "certificate_due_at IS NOT NULL").fetchone()[0]


def _wait(check, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        gevent.sleep(0.1)
    return False


def _judge(outcome: Outcome, url: str, attempt_ids: list[int], log: Path, killed: int,
           done: bool) -> None:
    engine = engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT a.id, a.status, a.tier_slug, a.certificate_due_at IS NOT NULL, "
            "(SELECT count(*) FROM certificates c WHERE c.attempt_id = a.id), "
            "(SELECT count(*) FROM score_events s WHERE s.attempt_id = a.id) "
            "FROM attempts a WHERE a.id = ANY(:ids)"), {"ids": attempt_ids}).all()
    engine.dispose()
    requeued = log.read_text().count("stopped while running it") if log.exists() else 0
    print(f"worker-kill: {killed} workers killed mid-job; jobs put back by the next worker: "
          f"{requeued}; attempts: " + ", ".join(
              f"#{a} {status}/{tier} certs={certs} scores={scores}{' DUE' if due else ''}"
              for a, status, tier, due, certs, scores in rows))
    if not done:
        outcome.fail("certificates still due 90 s after the last worker started")
    if killed and not requeued:
        outcome.fail("no killed job was put back on the queue")
    unscored = [a for a, status, *_ in rows if status != "scored"]
    outcome.unscored = len(unscored)
    bad = [a for a, _, tier, _, certs, scores in rows
           if certs != (1 if tier else 0) or scores != 1]
    if bad:
        outcome.fail(f"attempts without exactly one certificate and one score event: {bad}")
