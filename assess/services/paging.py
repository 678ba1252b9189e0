"""Cursor pagination for the API: pages in id order, the cursor an opaque token for "after
this id" (clients pass it back as they got it and never build one)."""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any

from . import ServiceError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_PREFIX = "after:"


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]] = field(default_factory=list)
    next_cursor: str | None = None  # None on the last page


def encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode(cursor: str | None) -> int:
    """The id a cursor continues after (0 for the first page)."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text[len(_PREFIX):] if text.startswith(_PREFIX) else ""
    if not number.isascii() or not number.isdigit() or len(number) > 10:
        raise ServiceError("That cursor is not one this API gave: pass next_cursor back "
                           "unchanged.", code="invalid_cursor", field="cursor")
    return int(number)


def checked_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise ServiceError(f"limit must be between 1 and {MAX_LIMIT}.", field="limit")
    return limit


def page_of(rows: list[tuple[int, dict[str, Any]]], limit: int) -> Page:
    """``rows`` holds (id, item) for up to ``limit + 1`` rows in id order: one more than a
    page tells whether another page follows."""
    shown = rows[:limit]
    more = len(rows) > limit
    return Page([item for _, item in shown], encode(shown[-1][0]) if more and shown else None)
