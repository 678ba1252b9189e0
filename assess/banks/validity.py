"""The random-guess validity report of a blueprint, built from bank contents.

Pure: it works on the loader's specs (``banks validate``) or on anything with the same
``slug``, ``items`` and ``rubrics`` (bank entries and rubric definitions as stored with their
versions), so an admin page can run it on imported banks too.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping, Protocol, Sequence, TypeVar

from .. import items as item_types
from ..core.scoring import TierRule
from ..core.selection import Candidate, pool
from ..core.validity import (
    DEFAULT_SAMPLES,
    GUESS_WARNING,
    GuessItem,
    GuessSection,
    TierOdds,
    tier_odds,
    worth_warning,
)
from .rubrics import rubric_max_points

T = TypeVar("T")


class BankContent(Protocol):
    slug: str
    items: list[dict]
    rubrics: list[dict]


class NotComputable(ValueError):
    """The report needs an item or bank whose content is not at hand."""


def tier_rules(definition: Mapping) -> list[TierRule]:
    """The blueprint's tiers, ranked by their order as the import ranks them."""
    return [TierRule(slug=t["id"], name=t["name"], rank=i + 1,
                     min_overall=t.get("min_overall", 0),
                     min_skills=dict(t.get("min_skills") or {}),
                     requires=tuple(t.get("requires") or ()), valid_days=t.get("valid_days"),
                     min_parts=dict(t.get("min_parts") or {}))
            for i, t in enumerate(definition.get("tiers") or [])]


def written_max(entry: Mapping, rubric_max: Mapping[str, float]) -> dict[str, float]:
    """Max points of the human-graded parts every answer is scored on (``scored_parts``: a
    fact-check's corrections count for each claim that is in fact false), by part kind."""
    written: dict[str, float] = {}
    for part in item_types.get(entry["type"]).scored_parts(entry):
        written[part.kind] = written.get(part.kind, 0.0) + rubric_max[part.rubric]
    return written


def skills(entry: Mapping) -> tuple[str, ...]:
    """As the import records them: the type's default skills when the entry names none."""
    return tuple(entry.get("skills") or item_types.get(entry["type"]).default_skills)


def guess_item(bank: str, entry: Mapping, rubric_max: Mapping[str, float]) -> GuessItem:
    kind = item_types.get(entry["type"])
    distribution = kind.guess_distribution(entry)
    if distribution is None:
        raise NotComputable(f"item {bank}/{entry['id']} has too many possible answers to "
                            f"enumerate")
    return GuessItem(key=(bank, entry["id"]), skills=skills(entry), auto=distribution,
                     auto_max=kind.max_points(entry), written_max=written_max(entry, rubric_max))


def section_pools(definition: Mapping, banks: Iterable[BankContent],
                  make: Callable[[str, Mapping, Mapping[str, float]], T]
                  ) -> list[tuple[Mapping, tuple[T, ...]]]:
    """Each section with its candidate pool, matched as the real draw matches it; every item is
    made once by ``make(bank, entry, rubric max points by id)``, however many sections share it."""
    banks = list(banks)
    entries = {(b.slug, e["id"]): e for b in banks for e in b.items}
    candidates = [Candidate(key=key, bank=key[0], slug=key[1], type=entry["type"],
                            skills=skills(entry), tags=tuple(entry.get("tags") or ()))
                  for key, entry in entries.items()]
    rubric_max = {b.slug: {r["id"]: rubric_max_points(r) for r in b.rubrics} for b in banks}
    loaded = {b.slug for b in banks}
    made: dict[object, T] = {}
    sections = []
    for section in definition["sections"]:
        selector = section["from"]
        missing = [b for b in selector.get("banks", ()) if b not in loaded]
        if missing:
            raise NotComputable(f"section {section['id']!r} draws from {', '.join(missing)}, "
                                f"whose items are not at hand")
        matched = pool(selector, candidates)
        if len(matched) < section["draw"]:
            raise NotComputable(f"section {section['id']!r} draws {section['draw']} items but "
                                f"only {len(matched)} are at hand")
        for c in matched:
            if c.key not in made:
                made[c.key] = make(c.bank, entries[c.key], rubric_max[c.bank])
        sections.append((section, tuple(made[c.key] for c in matched)))
    return sections


def guess_sections(definition: Mapping, banks: Iterable[BankContent]) -> list[GuessSection]:
    """Each section's candidate pool, matched as the real draw matches it."""
    return [GuessSection(section["id"], section["draw"], items)
            for section, items in section_pools(definition, banks, guess_item)]


def validity_report(definition: Mapping, banks: Iterable[BankContent], *, seed: int = 0,
                    samples: int = DEFAULT_SAMPLES) -> list[TierOdds]:
    """The chance a uniformly random guesser reaches each tier of the blueprint ``definition``
    (``AssessmentSpec.definition``, also stored as ``AssessmentVersion.definition``).

    Raises ``NotComputable`` when a section draws from items not among ``banks``.
    """
    rules = tier_rules(definition)
    if not rules:
        return []
    return tier_odds(guess_sections(definition, banks), rules, seed=seed, samples=samples)


def guess_lines(assessments: Sequence, banks: Sequence[BankContent], *, seed: int = 0,
                samples: int = DEFAULT_SAMPLES) -> list[str]:
    """What ``banks validate`` prints about guessing: a warning per tier a random guesser
    reaches with probability above ``GUESS_WARNING``, a note per blueprint it cannot check,
    and one summary line. ``assessments`` are ``AssessmentSpec``-like (slug, definition)."""
    lines, checked, tiers = [], 0, 0
    for spec in assessments:
        try:
            odds = validity_report(spec.definition, banks, seed=seed, samples=samples)
        except NotComputable as exc:
            lines.append(f"note: {spec.slug}: random-guess odds not computed: {exc}")
            continue
        checked += 1
        tiers += len(odds)
        lines += [f"warning: {spec.slug}: a random guesser reaches {o.name} with probability "
                  f"{o.describe()}" for o in worth_warning(odds)]
    if not any(line.startswith("warning") for line in lines):
        lines.append(f"Random guessing reaches none of {tiers} tier(s) in {checked} "
                     f"assessment(s) with probability above {GUESS_WARNING:.1%}.")
    return lines
