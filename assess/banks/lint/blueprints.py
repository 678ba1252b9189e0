"""Rule 13: what an applicant actually faces. For each blueprint, every section's candidates
weighted by their chance of being drawn (the section's draw over its pool size), and for each
item type the best shortcut's expected share of that type's keyed credit, against the share
random answering expects (see the package docstring).

Pools and each item's random-guess distribution come from the validity report
(``assess.banks.validity.guess_sections``: the same matching as the real draw, and the same
``GuessItem`` per item); shortcuts from ``assess.items.shortcuts``, averaged over the display
orders an item may be shown in. Written parts are not counted: a type's keyed credit is its
auto-graded points.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from ...items.shortcuts import expected_share, mean_shortcut_credit
from ..validity import NotComputable, guess_sections
from .common import BankContent, Finding, _Context

# A type's best shortcut may beat random answering by this share of the type's keyed credit in
# a blueprint before it is flagged. Fifteen points: more than the bank rules' 0.10, because a
# blueprint averages over what it draws and sampling a few items already moves a type's share
# by several points; beyond that, an applicant who never reads that type's items outscores
# honest guessing by a margin that tier thresholds (0.60 / 0.75 / 0.85) cannot absorb.
BLUEPRINT_SHORTCUT_MARGIN = 0.15
LISTED_ITEMS = 10  # items named in a finding's message (all of them are in ``items``)


@dataclass(frozen=True)
class TypeShortcut:
    """One item type of a blueprint: its best shortcut and what it earns."""

    type: str
    strategy: str
    credit: float  # expected share of the type's keyed credit, draw-weighted
    chance: float  # the same for uniformly random answering
    sections: tuple[str, ...]  # sections that can draw the type, in blueprint order
    items: tuple[str, ...]  # "<bank>/<id>" on which the strategy beats chance, most first

    @property
    def excess(self) -> float:
        return self.credit - self.chance

    @property
    def flagged(self) -> bool:
        return self.excess > BLUEPRINT_SHORTCUT_MARGIN

    def describe(self) -> str:
        return (f"{self.type} — '{self.strategy}' earns {self.credit:.2f} of the keyed credit, "
                f"chance {self.chance:.2f}")


@dataclass(frozen=True)
class BlueprintShortcuts:
    slug: str
    file: str
    rows: tuple[TypeShortcut, ...]
    problem: str | None = None  # why the pools could not be built (banks not at hand, …)


class _Type:
    """Draw weights, strategy credits and chance of one type's items in one blueprint."""

    def __init__(self) -> None:
        self.sections: list[str] = []
        self.items: dict[Any, tuple[float, dict[str, float], float]] = {}

    def add(self, section: str, key: Any, weight: float, credits: dict[str, float],
            chance: float) -> None:
        if section not in self.sections:
            self.sections.append(section)
        before = self.items.get(key, (0.0, credits, chance))[0]
        self.items[key] = (before + weight, credits, chance)  # drawn by several sections

    def best(self, name: str) -> TypeShortcut:
        total = sum(w for w, _, _ in self.items.values())
        chance = sum(w * c for w, _, c in self.items.values()) / total
        strategies = list(dict.fromkeys(s for _, credits, _ in self.items.values()
                                        for s in credits))

        def credit(strategy: str) -> float:
            # A strategy an item does not offer ("equal" where it is not allowed): the
            # applicant guesses there.
            return sum(w * credits.get(strategy, c)
                       for w, credits, c in self.items.values()) / total

        strategy = max(strategies, key=lambda s: round(credit(s), 9))
        gains = sorted(((w * (credits.get(strategy, c) - c), key)
                        for key, (w, credits, c) in self.items.items()
                        if credits.get(strategy, c) > c), key=lambda g: (-g[0], g[1]))
        return TypeShortcut(name, strategy, round(credit(strategy), 6), round(chance, 6),
                            tuple(self.sections), tuple(f"{b}/{i}" for _, (b, i) in gains))


def blueprint_shortcuts(assessments: Iterable[Any], banks: Sequence[BankContent]
                        ) -> list[BlueprintShortcuts]:
    """For each blueprint (``AssessmentSpec``-like: ``slug``, ``file``, ``definition``), each
    item type's best shortcut in its draw-weighted pool, types in the order sections meet
    them. Types without keyed credit (rewrite) have no row."""
    banks = list(banks)
    entries = {(b.slug, e["id"]): e for b in banks for e in b.items}
    credits: dict[Any, dict[str, float]] = {}  # per item, shared by every blueprint
    reports = []
    for spec in assessments:
        try:
            sections = guess_sections(spec.definition, banks)
        except NotComputable as exc:
            reports.append(BlueprintShortcuts(spec.slug, spec.file, (), str(exc)))
            continue
        types: dict[str, _Type] = {}
        for section in sections:
            weight = section.draw / len(section.pool)
            for item in section.pool:
                if not item.auto_max:
                    continue
                entry = entries[item.key]
                if item.key not in credits:
                    credits[item.key] = mean_shortcut_credit(entry["type"], entry)
                types.setdefault(entry["type"], _Type()).add(
                    section.slug, item.key, weight * item.auto_max, credits[item.key],
                    expected_share(item.auto, item.auto_max))
        reports.append(BlueprintShortcuts(
            spec.slug, spec.file, tuple(t.best(name) for name, t in types.items())))
    return reports


def _blueprint_findings(context: _Context, reports: Sequence[BlueprintShortcuts]) -> None:
    for report in reports:
        sections = context.where_file(report.file).sections
        for row in report.rows:
            if not row.flagged:
                continue
            named = ", ".join(row.items[:LISTED_ITEMS]) + (
                f" and {len(row.items) - LISTED_ITEMS} more"
                if len(row.items) > LISTED_ITEMS else "")
            where = ", ".join(row.sections)
            context.findings.append(Finding(
                "blueprint-shortcut", report.file, sections.get(row.sections[0]), report.slug,
                (f"section:{row.sections[0]}", *row.items),
                f"{row.type}: '{row.strategy}' earns {row.credit:.2f} of the keyed credit in "
                f"the draw-weighted pool of section(s) {where}, chance {row.chance:.2f} "
                f"(+{row.excess:.2f}, more than {BLUEPRINT_SHORTCUT_MARGIN:.2f}): {named}"))


def shortcut_lines(loaded: Any) -> list[str]:
    """What ``banks validate`` prints about shortcuts: a header, then per blueprint one line
    per item type ("general-screening: choice — 'longest' earns 0.94 of the keyed credit,
    chance 0.24"), or a note when the pools are not at hand. Nothing without blueprints."""
    reports = blueprint_shortcuts(getattr(loaded, "assessments", ()), list(loaded.banks))
    if not reports:
        return []
    lines = ["Shortcuts: the best answer given without reading, per item type, as a share of "
             "its keyed credit in each blueprint's draw-weighted pool (chance = answering at "
             "random):"]
    for report in reports:
        if report.problem:
            lines.append(f"  note: {report.slug}: shortcuts not computed: {report.problem}")
        lines += [f"  {report.slug}: {row.describe()}"
                  + (f" (+{row.excess:.2f}: lint)" if row.flagged else "")
                  for row in report.rows]
    return lines
