"""The autosave hot path as prepared statements, and a per-engine item content cache.

Autosave is what hundreds of applicants hit at once. Building ORM statements costs more than
running them, so the statements it needs are written once here, as text with typed
parameters; ``bench/autosave.py`` measures the effect. Item versions never change once
written, so their content is cached per database engine.

A save must never land in an attempt that has closed. On PostgreSQL the lookup takes a
``FOR KEY SHARE`` lock on the attempt row: saves of one attempt do not block each other, but
finalising (``FOR UPDATE``) waits for them and they wait for it, so a save either lands
before the close or sees the attempt closed. SQLite serialises writers, and its update
checks the attempt's status in the same statement.
"""
from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Boolean, Integer, String, bindparam, select, text

from ..extensions import db
from ..models import ItemVersion
from ..models.types import JSONType, UTCDateTime

_LOOKUP = """
    SELECT r.id, r.revision, r.item_version_id, a.user_id, a.status, a.deadline_at,
           v.grace_seconds, v.mode, u.active
    FROM responses r
    JOIN attempts a ON a.id = r.attempt_id
    JOIN assessment_versions v ON v.id = a.assessment_version_id
    JOIN users u ON u.id = a.user_id
    WHERE r.attempt_id = :attempt_id AND r.position = :position
"""
_LOOKUP_TYPES = dict(id=Integer, revision=Integer, item_version_id=Integer, user_id=Integer,
                     status=String, deadline_at=UTCDateTime(), grace_seconds=Integer,
                     mode=String, active=Boolean)
LOOKUP = text(_LOOKUP).columns(**_LOOKUP_TYPES)
LOOKUP_LOCKED = text(_LOOKUP + " FOR KEY SHARE OF a").columns(**_LOOKUP_TYPES)

# Only a newer revision replaces the saved answer; the database decides, so racing saves of
# the same item cannot overwrite a newer answer with an older one.
UPDATE_IF_NEWER = text("""
    UPDATE responses SET answer = :answer, revision = :revision, saved_at = :saved_at
    WHERE id = :id AND revision < :revision
      AND EXISTS (SELECT 1 FROM attempts WHERE id = :attempt_id AND status = 'in_progress')
""").bindparams(bindparam("answer", type_=JSONType), bindparam("saved_at", type_=UTCDateTime()))

RECORD_EVENT = text("""
    INSERT INTO answer_events (response_id, revision, answer, accepted, saved_at)
    VALUES (:response_id, :revision, :answer, :accepted, :saved_at)
""").bindparams(bindparam("answer", type_=JSONType), bindparam("saved_at", type_=UTCDateTime()),
                bindparam("accepted", type_=Boolean))

# PostgreSQL does both in one statement, saving a round trip on the hot path.
UPDATE_AND_RECORD = text("""
    WITH updated AS (
        UPDATE responses SET answer = :answer, revision = :revision, saved_at = :saved_at
        WHERE id = :id AND revision < :revision
        RETURNING id
    )
    INSERT INTO answer_events (response_id, revision, answer, accepted, saved_at)
    SELECT :id, :revision, :answer, EXISTS (SELECT 1 FROM updated), :saved_at
    RETURNING accepted
""").bindparams(bindparam("answer", type_=JSONType), bindparam("saved_at", type_=UTCDateTime()))

SAVED = text("""
    SELECT r.revision, r.answer, a.status, a.finalised_by
    FROM responses r JOIN attempts a ON a.id = r.attempt_id WHERE r.id = :id
""").columns(revision=Integer, answer=JSONType, status=String, finalised_by=String)


def lookup(attempt_id: int, position: int):
    """The response, its attempt's state and owner; on PostgreSQL with the attempt row
    share-locked until the commit."""
    statement = LOOKUP_LOCKED if _is_postgresql() else LOOKUP
    return db.session.execute(statement, {"attempt_id": attempt_id,
                                          "position": position}).first()


def _is_postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def save_if_newer(attempt_id: int, response_id: int, answer: dict, revision: int,
                  now) -> bool:
    """Store the answer if ``revision`` is newer than the saved one and the attempt is still
    open; record the save either way. True when it was applied."""
    saved = {"answer": answer, "revision": revision, "saved_at": now, "id": response_id}
    if _is_postgresql():  # the attempt row is share-locked: its status cannot change
        return bool(db.session.execute(UPDATE_AND_RECORD, saved).scalar_one())
    accepted = db.session.execute(UPDATE_IF_NEWER, {**saved, "attempt_id": attempt_id}
                                  ).rowcount == 1
    record(response_id, answer, revision, now, accepted=accepted)
    return accepted


def record(response_id: int, answer: Any, revision: int, now, *, accepted: bool) -> None:
    """Append a save to the answer history (a refused one leaves the saved answer alone)."""
    db.session.execute(RECORD_EVENT, {"response_id": response_id, "revision": revision,
                                      "answer": answer, "accepted": accepted, "saved_at": now})


def saved(response_id: int):
    """(revision, answer, attempt status, finalised_by) as stored now."""
    return db.session.execute(SAVED, {"id": response_id}).one()

_contents: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LIMIT = 20_000


def item_content(item_version_id: int) -> dict[str, Any]:
    """An item version's content, read once per process and database."""
    content = cached_content(item_version_id)
    if content is None:
        content = remember_content(item_version_id, db.session.scalar(
            select(ItemVersion.content).where(ItemVersion.id == item_version_id)))
    return content


def cached_content(item_version_id: int) -> dict[str, Any] | None:
    return _contents.get(db.engine, {}).get(item_version_id)


def remember_content(item_version_id: int, content: dict[str, Any]) -> dict[str, Any]:
    cache = _contents.setdefault(db.engine, {})
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[item_version_id] = content
    return content
