"""What the loader hands back (bank and blueprint specs) and the small checks that bank and
blueprint files share."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..core.selection import Candidate
from .checker import Checker
from .errors import BankError

SLUG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,79}$")


def content_hash(value: Any) -> str:
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class BankSpec:
    file: str
    slug: str
    title: str
    domain: str
    description: str
    rubrics: list[dict]
    items: list[dict]
    content_hash: str
    # Skipped by ``load(..., imported=...)``: the database already holds exactly this bank
    # (same content hash), so its items were not validated again and need no import.
    unchanged: bool = False
    # The file as parsed (data, mapping lines, key lines), so that lint need not read it again.
    parsed: Any = field(default=None, repr=False, compare=False)

    def candidates(self) -> list[Candidate]:
        return [Candidate(key=(self.slug, i["id"]), bank=self.slug, slug=i["id"], type=i["type"],
                          skills=tuple(i.get("skills", ())), tags=tuple(i.get("tags", ())))
                for i in self.items]


@dataclass
class AssessmentSpec:
    file: str
    slug: str
    definition: dict  # normalised: every default filled in
    content_hash: str


@dataclass
class Loaded:
    banks: list[BankSpec] = field(default_factory=list)
    assessments: list[AssessmentSpec] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def slug_field(check: Checker, data: Mapping, key: str, path: str | None = None) -> str | None:
    value = check.text(data, key, path, max_len=80)
    if value is not None and not SLUG.match(value):
        check.add(path or key, f"expected a slug (lowercase letters, digits, '.', '_', '-'), "
                               f"got {value!r}")
        return None
    return value
