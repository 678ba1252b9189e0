"""PostgreSQL restarted in the middle of an exam: the run's private cluster is stopped
(``fast``, then ``immediate``: a crash, recovered from the WAL) while typists save, left
down for a few seconds, and started again. Requests meanwhile must fail with 503 (not 500,
not a cut connection); once it is back, the pool must recover by itself (saves succeed
again within seconds, no restart of gunicorn); the queues then hold nothing and every
acknowledged save is stored."""
from __future__ import annotations

import time

import gevent
import gevent.event
import stack
from browser import settle, type_until
from exams import open_exams
from ledger import check_answers
from outcome import Outcome

OUTAGE_SECONDS = 3.0
RECOVERY_SECONDS = 10.0  # saves must be acknowledged again within this after the start


def run_pg_restart(args, server_url: str, root, cluster) -> Outcome:
    outcome = Outcome("pg-restart")
    began = time.monotonic()
    if cluster is None:
        outcome.fail("needs the private cluster (no --database-url)")
        return outcome
    exams = open_exams(server_url, root, "pg-restart", min(args.applicants, 16))
    web = stack.Web(exams.env, exams.port, args.fault_workers, exams.instance)
    stop = gevent.event.Event()
    restarts = 2 if args.short else 6
    try:
        web.start()
        greenlets = type_until(exams.typists, stop, pause=0.1)
        for n in range(restarts):
            gevent.sleep(2.0)
            mode = "fast" if n % 2 == 0 else "immediate"
            before = dict(exams.tally.statuses)
            cluster.stop(mode)
            down_at = time.monotonic()
            gevent.sleep(OUTAGE_SECONDS / 2)
            page = _page_status(exams)
            gevent.sleep(OUTAGE_SECONDS / 2)
            during = _delta(exams.tally.statuses, before)
            cluster.start()
            acked = exams.ledger.count
            back = _wait(lambda: exams.ledger.count > acked + 3, RECOVERY_SECONDS)
            print(f"  restart {n + 1} ({mode}): down {time.monotonic() - down_at:.1f} s; "
                  f"answers meanwhile {during}; saves acknowledged again "
                  + (f"{back:.1f} s after the start" if back is not None else "NOT within "
                     f"{RECOVERY_SECONDS:.0f} s"))
            print(f"  an exam page meanwhile: HTTP {page[0]}, Retry-After {page[1]}")
            if not during.get(503):
                outcome.fail(f"restart {n + 1}: no 503 while the database was down")
            if page[0] != 503 or not page[1]:
                outcome.fail(f"restart {n + 1}: the exam page answered {page} while the "
                             "database was down (expected 503 with Retry-After)")
            if back is None:
                outcome.fail(f"restart {n + 1}: the pool did not recover within "
                             f"{RECOVERY_SECONDS:.0f} s")
        gevent.sleep(1.0)
        stop.set()
        gevent.joinall(greenlets, timeout=30)
        if settle(exams.typists, 60):
            outcome.fail("typists still hold unsent saves after 60 s")
        _judge(outcome, exams)
    finally:
        stop.set()
        web.stop()
        if not cluster.running():  # the next scenarios need it
            cluster.start()
    outcome.seconds = time.monotonic() - began
    return outcome


def _page_status(exams) -> tuple[int, str | None]:
    """An exam page (HTML) as a browser asks for it: (status, its Retry-After)."""
    import http.client
    typist = exams.typists[0]
    headers = {**typist.headers, "Accept": "text/html"}
    headers.pop("Content-Type", None)
    connection = http.client.HTTPConnection(stack.HOST, exams.port, timeout=15)
    try:
        connection.request("GET", f"/attempts/{typist.attempt}/items/1", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Retry-After")
    except (OSError, http.client.HTTPException) as exc:
        return 0, type(exc).__name__
    finally:
        connection.close()


def _delta(now: dict, before: dict) -> dict:
    return {k: v - before.get(k, 0) for k, v in sorted(now.items()) if v - before.get(k, 0)}


def _wait(check, seconds: float) -> float | None:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        gevent.sleep(0.05)
    return None


def _judge(outcome: Outcome, exams) -> None:
    verdict = check_answers(exams.url, exams.ledger, expect_last=True)
    outcome.lost = verdict.lost_count
    statuses = exams.tally.statuses
    # 503 is the promised answer during the outage; anything else 5xx, or no answer, is not.
    outcome.server_errors = sum(n for s, n in statuses.items() if s == 0 or
                                (s >= 500 and s != 503))
    for line in verdict.lost[:10] + verdict.unsent_left[:10]:
        print(f"  {line}")
    if verdict.unsent_left:
        outcome.fail(f"{len(verdict.unsent_left)} items whose last revision is not stored")
    print(f"  {verdict.acknowledged} saves acknowledged; statuses {dict(sorted(statuses.items()))}")
    exams.tally.print_kinds()
