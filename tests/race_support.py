"""Deterministic interleavings of two use cases, each in its own thread and session.

``interleave(app, first, second, pause_at=...)`` runs ``first`` until it reaches the pause
point (a statement it is about to send, or its commit), then runs ``second`` until it either
finishes or waits for a lock in the database, then lets ``first`` go on. No sleeps decide the
order: the test thread watches PostgreSQL's own view of who is waiting for a lock.

Only PostgreSQL can show a waiting session, so these tests skip elsewhere.
"""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import pytest
from sqlalchemy import event, text

ON_POSTGRESQL = (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgres")
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="race tests watch PostgreSQL's lock waits: set TEST_DATABASE_URL "
                              "to a PostgreSQL database (.ci/run does when one answers)")

WAIT = 30  # seconds before a stuck interleaving fails the test instead of hanging it


def before_commit(statement: str | None) -> bool:
    return statement is None


def statement_starting(prefix: str) -> Callable[[str | None], bool]:
    prefix = prefix.lower()
    return lambda statement: statement is not None and \
        statement.lstrip().lower().startswith(prefix)


@dataclass
class Outcome:
    result: Any = None
    error: BaseException | None = None
    paused: bool = False

    def unwrap(self):
        if self.error is not None:
            raise self.error
        return self.result


@dataclass
class _Pause:
    thread: str
    when: Callable[[str | None], bool]
    reached: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    used: bool = False

    def maybe_wait(self, statement: str | None) -> None:
        if self.used or threading.current_thread().name != self.thread or not self.when(statement):
            return
        self.used = True
        self.reached.set()
        if not self.release.wait(WAIT):
            raise RuntimeError("the interleaving was never released")


def interleave(app, first: Callable[[], Any], second: Callable[[], Any], *,
               pause_at: Callable[[str | None], bool] = before_commit
               ) -> tuple[Outcome, Outcome]:
    """Run ``first`` to its pause point, ``second`` until done or blocked, then ``first`` on."""
    from assess.extensions import db

    with app.app_context():
        engine = db.engine
    pause = _Pause("first", pause_at)

    def on_statement(conn, cursor, statement, parameters, context, executemany):
        pause.maybe_wait(statement)

    def on_commit(conn):
        pause.maybe_wait(None)

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    outcomes = {"first": Outcome(), "second": Outcome()}

    def run(name: str, work: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                outcomes[name].result = work()
            except BaseException as exc:  # noqa: BLE001 - reported to the test
                outcomes[name].error = exc
            finally:
                db.session.remove()

    threads = {name: threading.Thread(target=run, args=(name, work), name=name)
               for name, work in (("first", first), ("second", second))}
    try:
        threads["first"].start()
        deadline = time.monotonic() + WAIT
        while not pause.reached.is_set():
            if not threads["first"].is_alive():
                raise AssertionError(f"the first use case never reached its pause point: "
                                     f"{outcomes['first'].error!r}")
            pause.reached.wait(0.01)
            if time.monotonic() > deadline:
                raise AssertionError("the first use case never reached its pause point")
        outcomes["first"].paused = True
        threads["second"].start()
        while threads["second"].is_alive() and not _someone_waits_for_a_lock(engine):
            threads["second"].join(0.01)
            if time.monotonic() > deadline:
                raise AssertionError("the second use case neither finished nor waited")
        pause.release.set()
        for thread in threads.values():
            thread.join(WAIT)
            assert not thread.is_alive(), f"{thread.name} is stuck"
    finally:
        pause.release.set()
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
    return outcomes["first"], outcomes["second"]


def _someone_waits_for_a_lock(engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'")).scalar())
