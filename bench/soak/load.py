"""The load: applicants, graders, leads and a platform (users.py) for --duration seconds
against gunicorn on the run's own PostgreSQL database, with the job worker beside it; then
the graders drain the queue, the worker signs what is due, and the database is checked."""
from __future__ import annotations

import time

import gevent
import psutil
import stack
import users
from ledger import Ledger, check_answers, engine_for, unscored
from locust import events
from locust.env import Environment
from outcome import Outcome, Tally
from people import Forms, make_app, seed_people
from sqlalchemy import text


def run_load(args, server_url: str, root) -> Outcome:
    outcome = Outcome("load")
    started = time.monotonic()
    port = stack.free_port()
    url = stack.clone_database(server_url, "soak_load")
    instance = root / "load"
    env = stack.app_env(instance, url, port)
    pool = args.applicants * args.exams
    people = seed_people(make_app(env), pool, args.graders, args.leads, platform=True)
    web = stack.Web(env, port, args.workers, instance)
    worker = stack.JobWorker(env, instance / "worker.log")
    forms = Forms(url)
    try:
        web.start()
        worker.start()
        print(f"load: {args.applicants} applicants ({pool} accounts), {args.graders} graders, "
              f"{args.leads} leads, 1 platform for {args.duration:.0f} s; gunicorn "
              f"-w {args.workers} on port {port}, pace {args.pace} "
              f"(setup {time.monotonic() - started:.0f} s)")
        ledger, tally = Ledger(), Tally()
        _share(people, ledger, forms, args)
        stats, window, cpu = _drive(args, port, tally, url)
        _print_stats(stats, window, cpu)
        tally.print_kinds()
        outcome.server_errors = tally.server_errors
        _wait_for_certificates(url, args.drain)
        verdict = check_answers(url, ledger)
        outcome.lost = verdict.lost_count
        for line in verdict.lost[:10]:
            print(f"  LOST {line}")
        failed, waiting, statuses = unscored(url)
        outcome.unscored = len(failed)
        print(f"attempts: {dict(statuses)}; submitted by the clients: {len(ledger.submitted)}; "
              f"acknowledged saves: {verdict.acknowledged}; grades: {users.Shared.grades}")
        if failed:
            print(f"  unscored attempts (first 10): {failed[:10]}")
        if waiting:
            print(f"  {waiting} attempts still wait for a grader's mark on a task in the queue "
                  "(human work the drain did not reach: not counted as unscored)")
        if not ledger.submitted:
            outcome.fail("no attempt was submitted during the load")
    finally:
        forms.close()
        web.stop()
        worker.stop()
    outcome.seconds = time.monotonic() - started
    return outcome


def _share(people, ledger, forms, args) -> None:
    shared = users.Shared
    shared.pace, shared.ledger, shared.forms = args.pace, ledger, forms
    low, _, high = args.typing.partition("-")
    shared.typing = (int(low), int(high or low))
    shared.answer_share = args.answer_share
    shared.accounts, shared.graders = list(people.applicants), list(people.graders)
    shared.leads, shared.api_key = list(people.leads), people.api_key
    shared.external_ids = list(people.external_ids or [])
    shared.applicants_stop.clear()
    shared.everyone_stop.clear()
    users.Applicant.fixed_count = args.applicants
    users.Grader.fixed_count = args.graders
    users.Lead.fixed_count = args.leads
    users.Platform.fixed_count = 1


def _drive(args, port: int, tally: Tally, url: str):
    """Run the users; return the statistics of the load window, its length and the
    machine's CPU use over it."""
    env = Environment(user_classes=[users.Applicant, users.Grader, users.Lead, users.Platform],
                      host=f"http://{stack.HOST}:{port}", events=events)

    def on_request(request_type, name, response=None, exception=None, **_):
        status = getattr(response, "status_code", 0) or 0
        code = users.error_code(response) if 400 <= status < 600 else ""
        tally.add(name, status, code, type(exception).__name__ if status == 0 and exception
                  else "")

    listener = env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    total = args.applicants + args.graders + args.leads + 1
    psutil.cpu_percent()
    began = time.monotonic()
    runner.start(total, spawn_rate=max(10, total / 10))
    gevent.sleep(args.duration)
    window = time.monotonic() - began
    cpu = psutil.cpu_percent()
    stats = _snapshot(env.stats)
    users.Shared.applicants_stop.set()
    print(f"load window over after {window:.0f} s: {users.Shared.submitted} exams submitted; "
          "graders draining the queue")
    _drain(url, args.drain)
    users.Shared.everyone_stop.set()
    runner.quit()
    env.events.request.remove_listener(listener)
    return stats, window, cpu


def _drain(url: str, seconds: float) -> None:
    """Let the graders and leads work until nothing submitted waits for a mark: while they
    make progress (a grade in the last 30 s), for at most ``seconds``."""
    deadline = time.monotonic() + seconds
    engine = engine_for(url)
    last_grades, progress_at = -1, time.monotonic()
    try:
        while time.monotonic() < deadline and time.monotonic() - progress_at < 30:
            gevent.sleep(2)
            with engine.connect() as connection:
                waiting = connection.execute(text(
                    "SELECT count(*) FROM attempts WHERE status IN "
                    "('submitted', 'awaiting_grading')")).scalar()
                grades = connection.execute(text("SELECT count(*) FROM grades")).scalar()
            if not waiting:
                return
            if grades != last_grades:
                last_grades, progress_at = grades, time.monotonic()
        print(f"  drain stopped with {waiting} attempts waiting for a mark")
    finally:
        engine.dispose()


def _wait_for_certificates(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    engine = engine_for(url)
    try:
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                due = connection.execute(text(
                    "SELECT count(*) FROM attempts WHERE certificate_due_at IS NOT NULL")
                ).scalar()
            if not due:
                return
            time.sleep(1)
        print(f"  {due} certificates still due after {seconds:.0f} s")
    finally:
        engine.dispose()


def _snapshot(stats) -> list[tuple[str, int, int, float, float, float]]:
    rows = []
    for (name, method), entry in sorted(stats.entries.items()):
        if entry.num_requests:
            rows.append((name, entry.num_requests, entry.num_failures,
                         entry.get_response_time_percentile(0.5),
                         entry.get_response_time_percentile(0.95),
                         entry.get_response_time_percentile(0.99)))
    total = stats.total
    rows.append(("All", total.num_requests, total.num_failures,
                 total.get_response_time_percentile(0.5),
                 total.get_response_time_percentile(0.95),
                 total.get_response_time_percentile(0.99)))
    return rows


def _print_stats(rows, window: float, cpu: float) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'endpoint':<{width}}  {'requests':>8}  {'req/s':>7}  {'failed':>6}  "
          f"{'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}")
    for name, count, failed, p50, p95, p99 in rows:
        print(f"{name:<{width}}  {count:>8}  {count / window:>7.1f}  {failed:>6}  "
              f"{p50:>7.0f}  {p95:>7.0f}  {p99:>7.0f}")
    print(f"load window {window:.0f} s: {rows[-1][1] / window:.0f} requests/s; machine CPU "
          f"{cpu:.0f}% busy on {psutil.cpu_count()} cores (load, server, database and "
          f"anything else on the machine)\n")
