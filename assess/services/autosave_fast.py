"""The autosave hot path at driver level: one lookup, one write, one commit.

Most autosaves are the plain case: the signed-in owner saves a valid answer to an open
attempt in time. ``quick_save`` does exactly that and nothing else, on a connection from the
engine's pool with the driver's own cursor (no ORM session, identity map, statement
compilation or result processing: ``bench/autosave.py`` measures the difference). Driver
errors are raised as SQLAlchemy's (``sqlalchemy.exc.OperationalError``...), a lost
connection invalidated, as SQLAlchemy itself would. The session's token is checked in the same
lookup as ownership, account, status and deadline, so the user is not loaded either.
Anything else (no such item, someone else's attempt, an ended session, a disabled account,
a closed or expired attempt, an answer the item refuses) returns None before anything is
written, and the caller takes ``answers.save_answer``, which answers every case.

The lock semantics are ``autosave_sql``'s: on PostgreSQL the lookup share-locks the attempt
row (``FOR KEY SHARE``) until the commit, so a save lands before the close or sees it closed;
on SQLite the update checks the attempt's status in the same statement.
"""
from __future__ import annotations

import hmac
import json
import re
import weakref
from contextlib import contextmanager, suppress
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.exc import DBAPIError

from .. import items as item_types
from ..core import timing
from ..extensions import db
from ..items.base import AnswerError
from ..models.attempt import OPEN
from . import autosave_sql as sql
from .answers import MAX_REVISION, SaveResult, same_answer
from .closing import closed_refusal

_LOOKUP = """
    SELECT r.id, r.item_version_id, a.user_id, a.status, a.deadline_at, v.grace_seconds,
           u.active, u.session_token
    FROM responses r
    JOIN attempts a ON a.id = r.attempt_id
    JOIN assessment_versions v ON v.id = a.assessment_version_id
    JOIN users u ON u.id = a.user_id
    WHERE r.attempt_id = :attempt_id AND r.position = :position
"""
# Read on this connection: a second one (the ORM session's) while this transaction holds
# the first could wait forever on a small pool (PgBouncer's, say).
_CONTENT = "SELECT content FROM item_versions WHERE id = :id"
# PostgreSQL, once the position's item version is known (and its answer parsed): the lookup,
# every check of the plain case, the write and the history row in one statement, run in
# autocommit (its own transaction: one round trip, no BEGIN or COMMIT). Nothing is written
# unless all hold (``accepted`` is then NULL); the row comes back either way.
_PG_SAVE_IF_PLAIN = f"""
    WITH target AS ({_LOOKUP} FOR KEY SHARE OF a),
    plain AS (
        SELECT id FROM target
        WHERE user_id = :user_id AND active AND status = 'in_progress'
          AND session_token = :session_token AND item_version_id = :item_version_id
          AND (deadline_at IS NULL
               OR :saved_at <= deadline_at + make_interval(secs => grace_seconds))
    ),
    updated AS (
        UPDATE responses SET answer = :answer, revision = :revision, saved_at = :saved_at
        FROM plain WHERE responses.id = plain.id AND responses.revision < :revision
        RETURNING responses.id
    ),
    recorded AS (
        INSERT INTO answer_events (response_id, revision, answer, accepted, saved_at)
        SELECT id, :revision, :answer, EXISTS (SELECT 1 FROM updated), :saved_at FROM plain
        RETURNING accepted
    )
    SELECT target.*, (SELECT accepted FROM recorded) FROM target
"""
# The writes are ``autosave_sql``'s statements, run through the driver.

# (attempt, position) → item version, per engine: what lets PostgreSQL save in one statement.
# A regrade may move a position to another version; the statement then writes nothing and
# the entry is dropped.
_item_versions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_POSITIONS_LIMIT = 200_000


def _pyformat(statement: str) -> str:
    """psycopg's parameter style for a statement written with ``:name``."""
    return re.sub(r"(?<!:):(\w+)", r"%(\1)s", statement)


_SQLITE = {"lookup": _LOOKUP, "update": sql.UPDATE_IF_NEWER.text,
           "record": sql.RECORD_EVENT.text, "saved": sql.SAVED.element.text, "content": _CONTENT}
_PG = {"lookup": _pyformat(_LOOKUP + " FOR KEY SHARE OF a"),
       "update_and_record": _pyformat(sql.UPDATE_AND_RECORD.text),
       "saved": _pyformat(sql.SAVED.element.text),
       "save_if_plain": _pyformat(_PG_SAVE_IF_PLAIN),
       "content": _pyformat(_CONTENT)}


def quick_save(attempt_id: int, user_id: int, session_token: str, position: int, answer: Any,
               revision: Any, now: datetime):
    """Save the signed-in owner's answer to an open attempt in time, as ``save_answer``
    would, and return its ``SaveResult``; None when this is not that plain case."""
    if isinstance(revision, bool) or not isinstance(revision, int) \
            or not 1 <= revision <= MAX_REVISION:
        return None
    with _Driver(db.engine) as run:  # leaving without a commit rolls back
        where = {"attempt_id": attempt_id, "position": position}
        saved = {**where, "revision": revision, "saved_at": _timestamp(now, run.postgresql),
                 "user_id": user_id, "session_token": session_token}
        if run.postgresql:
            done = _save_in_one(run, saved, answer)
            if done is not None:  # checked, written and committed by the one statement
                return _result(run, done, revision, now)
        done = _look_then_save(run, saved, answer, now)
        if done is None:
            return None
        result = _result(run, done, revision, now)
        run.commit()
    return result


def _result(run: _Driver, done, revision: int, now: datetime) -> SaveResult:
    """What the save did: applied, stale (a newer revision is saved), or refused because the
    attempt closed just before the write (SQLite) or just after a stale one."""
    row, (content, item_type), answer, accepted = done
    same, saved_revision = False, revision
    if not accepted:
        saved_revision, saved_answer, status, finalised_by = \
            run("saved", {"id": row[0]}).fetchone()
        if status != OPEN:
            code, message = closed_refusal(finalised_by)
            return SaveResult(accepted=False, saved_revision=saved_revision, seconds_left=0,
                              complete=False, refused=code, message=message)
        same = same_answer(_loaded(saved_answer), answer)
    return SaveResult(accepted=accepted, saved_revision=saved_revision,
                      seconds_left=timing.seconds_left(_utc(row[4]), now),
                      complete=item_type.is_complete(content, answer), same_as_saved=same)


def _look_then_save(run: _Driver, saved: dict[str, Any], raw: Any, now: datetime):
    """The lookup, then (for the plain case) the write: (row, item, answer, accepted)."""
    row = run("lookup", saved).fetchone()
    if row is None or not _plain_case(row, saved["user_id"], saved["session_token"], now):
        return None
    positions = _item_versions.setdefault(run.engine, {})
    if len(positions) >= _POSITIONS_LIMIT:
        positions.clear()
    positions[saved["attempt_id"], saved["position"]] = row[1]
    item = _item(run, row[1])
    answer = _parsed(item, raw)
    if answer is None:
        return None
    saved.update(id=row[0], answer=_json(answer, run.postgresql))
    return row, item, answer, _update_and_record(run, saved)


def _save_in_one(run: _Driver, saved: dict[str, Any], raw: Any):
    """PostgreSQL, once the item of this position is known: lookup, checks, write and history
    in one statement (one round trip fewer). None when nothing was written."""
    positions = _item_versions.get(run.engine, {})
    key = (saved["attempt_id"], saved["position"])
    item_version_id = positions.get(key)
    content = sql.cached_content(item_version_id) if item_version_id else None
    if content is None:
        return None
    item = (content, item_types.get(content["type"]))
    answer = _parsed(item, raw)
    if answer is None:
        return None
    with run.autocommit():  # one statement: its own transaction, one round trip
        row = run("save_if_plain", {**saved, "item_version_id": item_version_id,
                                    "answer": _json(answer, True)}).fetchone()
    if row is None or row[8] is None:  # not the plain case, or another item now (regrade)
        positions.pop(key, None)
        return None
    return row, item, answer, row[8]


def _item(run: _Driver, item_version_id: int):
    content = sql.cached_content(item_version_id) or sql.remember_content(
        item_version_id, _loaded(run("content", {"id": item_version_id}).fetchone()[0]))
    return content, item_types.get(content["type"])


def _parsed(item, raw: Any):
    content, item_type = item
    try:
        return item_type.parse_answer(content, raw)
    except AnswerError:
        return None


class _Driver:
    """A pooled DBAPI connection for one transaction: ``run(name, params)`` executes one of
    the statements above with the driver's cursor."""

    def __init__(self, engine):
        self.engine = engine
        self.dialect = engine.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self.statements = _PG if self.postgresql else _SQLITE
        self.connection = engine.raw_connection()
        self.cursor = None

    def __enter__(self):
        return self

    def __call__(self, name: str, params: dict[str, Any]):
        statement = self.statements[name]
        try:
            self.cursor = self.connection.cursor()
            self.cursor.execute(statement, params)
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(exc, statement, params) from exc
        return self.cursor

    @contextmanager
    def autocommit(self):
        """Each statement inside commits by itself (the connection must be idle)."""
        connection = self.connection.dbapi_connection
        connection.autocommit = True
        try:
            yield
        finally:
            with suppress(self.dialect.loaded_dbapi.Error):  # a lost one is discarded anyway
                connection.autocommit = False

    def commit(self) -> None:
        try:
            self.connection.commit()
        except self.dialect.loaded_dbapi.Error as exc:
            raise self._wrapped(exc, "COMMIT", {}) from exc

    def _wrapped(self, exc: Exception, statement: str, params: dict[str, Any]) -> Exception:
        lost = self.dialect.is_disconnect(exc, self.connection.dbapi_connection, self.cursor)
        if lost:
            self.connection.invalidate(exc)
        return DBAPIError.instance(statement, params, exc, self.dialect.loaded_dbapi.Error,
                                   connection_invalidated=lost, dialect=self.dialect)

    def __exit__(self, *_exc) -> None:
        self.connection.close()  # back to the pool, which rolls back what was not committed


def _plain_case(row, user_id: int, session_token: str, now: datetime) -> bool:
    """The owner, signed in with the account's current token, active, the attempt open and
    in time."""
    owner, status, deadline_at, grace, active, token = row[2], row[3], row[4], row[5], row[6], \
        row[7]
    return (owner == user_id and bool(active) and status == OPEN
            and hmac.compare_digest(token.encode(), session_token.encode())
            and timing.accepts_answers(_utc(deadline_at), grace, now))


def _update_and_record(run: _Driver, saved: dict[str, Any]) -> bool:
    if run.postgresql:
        return bool(run("update_and_record", saved).fetchone()[0])
    accepted = run("update", saved).rowcount == 1
    run("record", {**saved, "response_id": saved["id"], "accepted": accepted})
    return accepted


# ---- values as the ORM's column types store them (models/types.py) -------------------------

def _json(value: Any, postgresql: bool):
    if postgresql:
        from psycopg.types.json import Jsonb

        return Jsonb(value)
    return json.dumps(value)


def _loaded(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _timestamp(moment: datetime, postgresql: bool):
    """UTCDateTime: aware on PostgreSQL; on SQLite naive UTC text in SQLAlchemy's format."""
    moment = moment.astimezone(timezone.utc)
    return moment if postgresql else \
        moment.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None \
        else value.astimezone(timezone.utc)
