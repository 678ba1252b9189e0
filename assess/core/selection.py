"""Which items a blueprint section may draw, and the seeded draw itself."""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

SELECTOR_KEYS = ("banks", "types", "skills", "tags", "items")


@dataclass(frozen=True)
class Candidate:
    """An item eligible for drawing: ``key`` is whatever the caller uses to find it again."""

    key: object
    bank: str
    slug: str
    type: str
    skills: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def matches(selector: Mapping[str, Sequence[str]], candidate: Candidate) -> bool:
    """Every filter given must hold; a list filter holds when the item has any of its values."""
    if candidate.bank not in selector.get("banks", ()):
        return False
    if selector.get("types") and candidate.type not in selector["types"]:
        return False
    if selector.get("items") and candidate.slug not in selector["items"]:
        return False
    if selector.get("skills") and not set(selector["skills"]) & set(candidate.skills):
        return False
    if selector.get("tags") and not set(selector["tags"]) & set(candidate.tags):
        return False
    return True


def pool(selector: Mapping[str, Sequence[str]], candidates: Iterable[Candidate]) -> list[Candidate]:
    """Matching candidates in a stable order (bank, slug), so a seed always draws the same."""
    return sorted((c for c in candidates if matches(selector, c)), key=lambda c: (c.bank, c.slug))


@dataclass(frozen=True)
class SectionSpec:
    slug: str
    draw: int
    selector: Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Drawn:
    section: str
    candidate: Candidate


class NotEnoughItems(ValueError):
    pass


def draw(sections: Sequence[SectionSpec], candidates: Sequence[Candidate], seed: int, *,
         shuffle_items: bool) -> list[Drawn]:
    """Draw each section's items without repeats across sections, then order them.

    Sections keep their blueprint order; within a section items are shuffled when
    ``shuffle_items`` is set, otherwise they keep the bank order.
    """
    rng = random.Random(seed)
    taken: set[object] = set()
    drawn: list[Drawn] = []
    for section in sections:
        available = [c for c in pool(section.selector, candidates) if c.key not in taken]
        if len(available) < section.draw:
            raise NotEnoughItems(
                f"section {section.slug!r} needs {section.draw} items but only "
                f"{len(available)} match")
        chosen = rng.sample(available, section.draw)
        if not shuffle_items:
            chosen.sort(key=lambda c: (c.bank, c.slug))
        taken.update(c.key for c in chosen)
        drawn.extend(Drawn(section.slug, c) for c in chosen)
    return drawn


def types_in(selectors: Iterable[Mapping[str, Sequence[str]]],
             candidates: Sequence[Candidate]) -> list[str]:
    """The item types a blueprint's sections can draw, sorted: what an applicant will meet."""
    return sorted({c.type for selector in selectors for c in pool(selector, candidates)})
