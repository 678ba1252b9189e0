"""A full disk and a read-only database on SQLite (the default deployment). No mount rights
here, so the disk fills by SQLite's own limit: sqlite_limits.py caps every connection at
the database's present size (``PRAGMA max_page_count``; SQLite answers SQLITE_FULL exactly
as on a full disk) and then makes them read-only (``PRAGMA query_only``). Saves meanwhile
must be refused with a clear 507 (full) or 503 (read-only) JSON error, never a 500; after,
``PRAGMA integrity_check`` must say ok, every acknowledged save must be there, and the
queues, sent again, must land."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import gevent
import gevent.event
import stack
from browser import settle, type_until
from exams import open_exams
from ledger import check_answers
from outcome import Outcome

HERE = Path(__file__).resolve().parent
PHASES = (("", 3.0), ("full", 4.0), ("", 3.0), ("readonly", 3.0), ("", 3.0))
EXPECTED = {"full": 507, "readonly": 503}


def run_sqlite_full(args, server_url: str, root) -> Outcome:
    outcome = Outcome("sqlite-full")
    began = time.monotonic()
    folder = root / "sqlite-full"
    database = folder / "assess.sqlite3"
    switch = folder / "switch"
    folder.mkdir(parents=True)
    switch.write_text("")
    url = f"sqlite:///{database}"
    stack.prepare_schema(stack.app_env(folder, url, 5000))
    exams = open_exams(server_url, root, "sqlite-full", min(args.applicants, 8), url=url,
                       SOAK_SQLITE_SWITCH=str(switch))
    web = stack.Web(exams.env, exams.port, 2, exams.instance,
                    extra=["--pythonpath", str(HERE)], app_spec="sqlite_limits:create_app()")
    stop = gevent.event.Event()
    try:
        web.start()
        greenlets = type_until(exams.typists, stop, pause=0.1)
        for state, seconds in PHASES:
            switch.write_text(state)
            before = dict(exams.tally.statuses)
            gevent.sleep(seconds)
            seen = {k: v - before.get(k, 0) for k, v in sorted(exams.tally.statuses.items())
                    if v - before.get(k, 0)}
            print(f"  {state or 'normal':<8} {seconds:g} s: answers {seen}")
            if state and not seen.get(EXPECTED[state]):
                outcome.fail(f"no {EXPECTED[state]} while the database was {state}")
        stop.set()
        gevent.joinall(greenlets, timeout=30)
        if settle(exams.typists, 60):
            outcome.fail("typists still hold unsent saves after 60 s")
    finally:
        stop.set()
        web.stop()
    _judge(outcome, exams, database)
    outcome.seconds = time.monotonic() - began
    return outcome


def _judge(outcome: Outcome, exams, database: Path) -> None:
    with sqlite3.connect(database) as connection:
        integrity = connection.execute("PRAGMA integrity_check").fetchall()
    print(f"  PRAGMA integrity_check: {', '.join(r[0] for r in integrity)}")
    if integrity != [("ok",)]:
        outcome.fail(f"integrity_check: {integrity[:5]}")
    verdict = check_answers(exams.url, exams.ledger, expect_last=True)
    outcome.lost = verdict.lost_count
    statuses = exams.tally.statuses
    outcome.server_errors = sum(n for s, n in statuses.items()
                                if s == 0 or (s >= 500 and s not in (503, 507)))
    for line in verdict.lost[:10] + verdict.unsent_left[:10]:
        print(f"  {line}")
    if verdict.unsent_left:
        outcome.fail(f"{len(verdict.unsent_left)} items whose last revision is not stored")
    print(f"  {verdict.acknowledged} saves acknowledged; statuses "
          f"{dict(sorted(statuses.items()))}")
    exams.tally.print_kinds()
