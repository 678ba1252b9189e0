"""Saving an answer: autosave and the plain form alike, on the hot path (``autosave_sql``).

A save is one use case and commits once. The clock is the caller's ``now``; a save that
reaches an attempt whose time ran out finalises it, never because a browser asked for it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from .. import items as item_types
from ..core import timing
from ..extensions import db
from ..items.base import AnswerError, ItemType
from ..models import Response
from ..models.attempt import OPEN
from . import ServiceError, certificates
from . import autosave_sql as sql
from .closing import AttemptNotFound, auto_grade, closed_refusal, finalise_expired, owned_attempt

MAX_REVISION = 2**31 - 1  # the revision column is a 32-bit integer


@dataclass(frozen=True)
class SaveResult:
    accepted: bool  # False: a stale revision or a closed attempt, recorded but not applied
    saved_revision: int
    seconds_left: int | None
    complete: bool
    refused: str | None = None  # time_up | attempt_closed: the attempt closed first
    message: str = ""
    same_as_saved: bool = False  # not applied, but the saved answer is exactly this one


def save_answer(attempt_id: int, user_id: int, position: int, raw: Any, revision: Any,
                now: datetime, *, form: Mapping[str, list[str]] | None = None,
                flagged: bool | None = None, check: bool = False) -> SaveResult:
    """Autosave and plain-form save alike: validate, then keep the answer if it is newer.

    Every save, stale or refused, is appended to the answer history. A stale revision (one
    not newer than the saved one) never overwrites; neither does a save that reaches a closed
    attempt (``refused`` says why). Bad shapes are refused before anything is written, so a
    saved answer cannot be damaged by a bad request. A plain form may also set the review
    flag and, in practice mode, ask for the answer to be checked.
    """
    _check_revision(revision)
    (response_id, saved_revision, item_version_id, _, status, deadline_at, grace, mode,
     _) = _own_response(attempt_id, user_id, position)
    still_open = status == OPEN and timing.accepts_answers(deadline_at, grace, now)
    if still_open and check and mode != "practice":
        raise ServiceError("Answers are checked only in practice mode.", code="not_practice")
    content = sql.item_content(item_version_id)
    item_type = item_types.get(content["type"])
    answer = _parsed(item_type, content, raw, form, still_open=still_open)
    if not still_open:
        return _refuse_closed(attempt_id, response_id, answer, revision, now,
                              expired=status == OPEN)
    accepted = sql.save_if_newer(attempt_id, response_id, answer, revision, now)
    same = False
    if not accepted:
        saved_revision, saved_answer, status, finalised_by = sql.saved(response_id)
        if status != OPEN:  # SQLite: it closed between the lookup and the update
            db.session.commit()
            return _closed_result(finalised_by, saved_revision)
        same = same_answer(saved_answer, answer)
    if flagged is not None or check:
        response = db.session.get(Response, response_id)
        if flagged is not None:
            response.flagged = flagged
        if check:
            auto_grade(response)
    db.session.commit()
    return SaveResult(accepted=accepted, saved_revision=revision if accepted else saved_revision,
                      seconds_left=timing.seconds_left(deadline_at, now),
                      complete=item_type.is_complete(content, answer), same_as_saved=same)


def _check_revision(revision: Any) -> None:
    if isinstance(revision, bool) or not isinstance(revision, int) \
            or not 1 <= revision <= MAX_REVISION:
        raise ServiceError("revision must be a positive whole number (a 32-bit integer).",
                           code="invalid_revision", field="revision")


def _own_response(attempt_id: int, user_id: int, position: int):
    """The response's row from ``autosave_sql.lookup``, once it is known to be in the user's
    own attempt and their account to be active."""
    row = sql.lookup(attempt_id, position)
    if row is None:
        owned_attempt(attempt_id, user_id)  # 404 for an attempt that is not theirs
        raise ServiceError(f"Item {position} is not part of this attempt.",
                           code="item_not_in_attempt", field="position")
    owner, active = row[3], row[8]
    if owner != user_id:
        raise AttemptNotFound()
    if not active:
        raise ServiceError("This account is disabled; answers can no longer be saved.",
                           code="account_disabled")
    return row


def _parsed(item_type: ItemType, content: Mapping[str, Any], raw: Any,
            form: Mapping[str, list[str]] | None, *, still_open: bool) -> Any:
    """The answer as the item type reads it. A bad one is refused while the attempt is open;
    after, what can be kept of it is recorded as unparsed."""
    try:
        if form is not None:
            raw = item_type.form_answer(content, form)
        return item_type.parse_answer(content, raw)
    except AnswerError as exc:
        if still_open:
            raise ServiceError(exc.message, code="invalid_answer", field=exc.field) from exc
        return {"unparsed": _storable(raw if form is None else form)}


def _refuse_closed(attempt_id: int, response_id: int, answer: Any, revision: int,
                   now: datetime, *, expired: bool) -> SaveResult:
    """A save that reached a closed attempt: kept in the history as not accepted. An attempt
    whose time ran out is finalised here, under its lock, if nobody has done it yet."""
    if expired:
        db.session.rollback()  # drop the share lock before taking the row lock
        finalise_expired(attempt_id, now, by="deadline")
    saved_revision, _, _, finalised_by = sql.saved(response_id)
    sql.record(response_id, answer, revision, now, accepted=False)
    db.session.commit()
    if expired:
        certificates.issue_soon(attempt_id, now)
    return _closed_result(finalised_by, saved_revision)


def _closed_result(finalised_by: str | None, saved_revision: int) -> SaveResult:
    code, message = closed_refusal(finalised_by)
    return SaveResult(accepted=False, saved_revision=saved_revision, seconds_left=0,
                      complete=False, refused=code, message=message)


def same_answer(saved: Any, answer: Any) -> bool:
    return json.dumps(saved, sort_keys=True) == json.dumps(answer, sort_keys=True)


def _storable(value: Any) -> Any:
    """What can be kept of an answer that could not be read (a late save, say)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeError, RecursionError):
        return None
    return value
