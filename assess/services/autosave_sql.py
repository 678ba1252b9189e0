"""The autosave hot path as three prepared statements, and a per-engine item content cache.

Autosave is what hundreds of applicants hit at once. Building ORM statements costs more than
running them, so the three statements it needs are written once here, as text with typed
parameters; ``bench/autosave.py`` measures the effect. Item versions never change once
written, so their content is cached per database engine.
"""
from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import Boolean, Integer, String, bindparam, select, text

from ..extensions import db
from ..models import ItemVersion
from ..models.types import JSONType, UTCDateTime

LOOKUP = text("""
    SELECT r.id, r.revision, r.item_version_id, a.user_id, a.status, a.deadline_at,
           v.grace_seconds, v.mode, u.active
    FROM responses r
    JOIN attempts a ON a.id = r.attempt_id
    JOIN assessment_versions v ON v.id = a.assessment_version_id
    JOIN users u ON u.id = a.user_id
    WHERE r.attempt_id = :attempt_id AND r.position = :position
""").columns(id=Integer, revision=Integer, item_version_id=Integer, user_id=Integer,
             status=String, deadline_at=UTCDateTime(), grace_seconds=Integer, mode=String,
             active=Boolean)

# Only a newer revision replaces the saved answer; the database decides, so racing saves of
# the same item cannot overwrite a newer answer with an older one.
UPDATE_IF_NEWER = text("""
    UPDATE responses SET answer = :answer, revision = :revision, saved_at = :saved_at
    WHERE id = :id AND revision < :revision
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

SAVED_REVISION = text("SELECT revision FROM responses WHERE id = :id")


def save_if_newer(response_id: int, answer: dict, revision: int, now) -> bool:
    """Store the answer if ``revision`` is newer than the saved one; record the save either
    way. True when it was applied."""
    saved = {"answer": answer, "revision": revision, "saved_at": now, "id": response_id}
    if db.session.get_bind().dialect.name == "postgresql":
        return bool(db.session.execute(UPDATE_AND_RECORD, saved).scalar_one())
    accepted = db.session.execute(UPDATE_IF_NEWER, saved).rowcount == 1
    db.session.execute(RECORD_EVENT, {**saved, "response_id": response_id,
                                      "accepted": accepted})
    return accepted

_contents: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CACHE_LIMIT = 20_000


def item_content(item_version_id: int) -> dict[str, Any]:
    """An item version's content, read once per process and database."""
    cache = _contents.setdefault(db.engine, {})
    content = cache.get(item_version_id)
    if content is None:
        content = db.session.scalar(
            select(ItemVersion.content).where(ItemVersion.id == item_version_id))
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        cache[item_version_id] = content
    return content
