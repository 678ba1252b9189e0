"""The one rule for changing an attempt: take its row lock first, then read what decides the
change, and commit once at the end of the use case.

On PostgreSQL the lock is ``SELECT … FOR UPDATE`` on the attempt row. SQLite has no row
locks but serialises writers: a no-op write to the attempt row takes the database's write
lock, and everything read after it is current until the commit. (The sqlite3 driver opens its
transaction at the first write, so nothing read earlier pins an older snapshot.)

Objects read before the lock may be stale, so the attempt and its responses are loaded again
with ``populate_existing``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable, Iterable

from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import Attempt, Response

log = logging.getLogger(__name__)

_SQLITE_WRITE_LOCK = text("UPDATE attempts SET id = id WHERE id = :id")
_SQLITE_USER_LOCK = text("UPDATE users SET id = id WHERE id = :id")
_POSTGRESQL_USER_LOCK = text("SELECT id FROM users WHERE id = :id FOR UPDATE")

WITH_RESPONSES = selectinload(Attempt.responses).selectinload(Response.item_version)


def is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def lock_attempt(attempt_id: int, *, with_responses: bool = True) -> Attempt | None:
    """The attempt, locked for the rest of the transaction and freshly read; None if absent."""
    if not is_postgresql():
        db.session.execute(_SQLITE_WRITE_LOCK, {"id": attempt_id})
    query = (select(Attempt).where(Attempt.id == attempt_id).with_for_update(of=Attempt)
             .execution_options(populate_existing=True))
    if with_responses:
        query = query.options(WITH_RESPONSES)
    return db.session.scalar(query)


def lock_user(user_id: int) -> None:
    """Serialise the user's own use cases that create rows (starting an attempt): whoever
    comes second waits here and then reads what the first one committed."""
    statement = _POSTGRESQL_USER_LOCK if is_postgresql() else _SQLITE_USER_LOCK
    db.session.execute(statement, {"id": user_id})


@dataclass
class BatchRun:
    done: list[int] = field(default_factory=list)  # attempts the work changed
    failed: list[tuple[int, str]] = field(default_factory=list)  # (attempt id, error)


def each_locked(attempt_ids: Iterable[int], work: Callable[[Attempt], bool],
                what: str) -> BatchRun:
    """Run ``work`` on each attempt under its lock, each in its own transaction, so one
    failure is rolled back, logged and reported while the others still happen. ``work``
    returns whether it changed the attempt."""
    run = BatchRun()
    for attempt_id in attempt_ids:
        try:
            attempt = lock_attempt(attempt_id)
            if attempt is not None and work(attempt):
                run.done.append(attempt_id)
            db.session.commit()
        except Exception as exc:  # noqa: BLE001 - one bad attempt must not stop the batch
            db.session.rollback()
            log.exception("Could not %s attempt %s", what, attempt_id)
            run.failed.append((attempt_id, f"{type(exc).__name__}: {exc}"))
    return run
