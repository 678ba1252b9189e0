"""Rules 9-12: one answer given to every item of a type, without reading it, must not earn
clearly more than answering at random (see the package docstring). Which answers, and how a
finding reads, each type says (``ItemType.constant_answer_rules`` and ``empty_key``).

Credits are shares of the keyed (auto-graded) points, weighted by each item's points, graded by
the type itself (``assess.items.shortcuts``); chance is the random guesser's expected share,
from the answer space the random-guess validity report uses.
"""
from __future__ import annotations

from typing import Iterable, Mapping

from ... import items as item_types
from ...items import EmptyKeyRule, ItemType
from ...items.shortcuts import NotEnumerable, chance_credit, mean_shortcut_credit
from .common import BankContent, _Context, by_type

# A constant answer may beat random answering by this share of the type's keyed credit before
# it is flagged. Ten points: random answering is a low bar (a third of a rubric or fact-check
# item), and a gold key that favours one answer by more than that turns "always 4" into a tenth
# of the type's points earned without reading, the size of a tier's step in a short section.
SHORTCUT_MARGIN = 0.10
# Labels items whose gold is empty ("nothing applies"): banks should have some (a reviewer must
# be able to pass a fine response), but with more than a quarter, ticking nothing earns more
# than random ticking (about 0.15 of the credit on the shipped taxonomies) plus the margin.
LABELS_MAX_EMPTY_SHARE = 0.25
# Fewer items of a type make any constant answer look like a pattern; from three on, a section
# drawing two of them hands the pattern to every applicant.
MIN_SHORTCUT_ITEMS = 3


class _Scored:
    """One type's items in a bank: points, each strategy's credit and chance, per item."""

    def __init__(self, kind: ItemType, entries: Iterable[Mapping]):
        self.rows: list[tuple[str, float, dict[str, float], float]] = []
        for entry in entries:
            if not kind.max_points(entry):
                continue
            try:
                chance = chance_credit(kind, entry)
            except NotEnumerable:
                continue  # chance unknown (too many answers to list): leave the item out
            self.rows.append((entry["id"], kind.max_points(entry),
                              mean_shortcut_credit(kind, entry), chance))
        self.points = sum(row[1] for row in self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def chance(self) -> float:
        return sum(w * chance for _, w, _, chance in self.rows) / self.points

    def credit(self, strategy: str) -> float:
        return sum(w * credits[strategy] for _, w, credits, _ in self.rows) / self.points

    def best(self, strategies: Iterable[str]) -> tuple[str, float]:
        """The strategy earning most (the first listed of equals) and its credit."""
        return max(((s, self.credit(s)) for s in strategies), key=lambda pair: pair[1])

    def gainers(self, strategy: str) -> list[str]:
        """The items on which ``strategy`` beats chance, in bank order."""
        return [item for item, _, credits, chance in self.rows if credits[strategy] > chance]


def _over(context: _Context, bank: BankContent, rule: str, scored: _Scored, strategy: str,
          credit: float, how: str, what: str = "keyed credit") -> None:
    chance = scored.chance()
    if len(scored) < MIN_SHORTCUT_ITEMS or credit - chance <= SHORTCUT_MARGIN:
        return
    items = scored.gainers(strategy)
    context.add(rule, bank, items,
                f"{how} earns {credit:.2f} of the {what} across its {len(scored)} items, chance "
                f"{chance:.2f} (+{credit - chance:.2f}, more than {SHORTCUT_MARGIN:.2f}): "
                f"{', '.join(items)}")


def _constant_answers(context: _Context, bank: BankContent) -> None:
    """Per type, in the order the bank first uses them: each of the type's
    ``constant_answer_rules`` (the best of its strategies against chance), then its
    ``empty_key`` rule (how many items have the empty answer as key)."""
    for name, entries in by_type(bank.items).items():
        kind = item_types.get(name)
        if not kind.constant_answer_rules and kind.empty_key is None:
            continue
        scored = _Scored(kind, entries)
        for rule in kind.constant_answer_rules:
            if not scored.rows:
                continue
            strategy, credit = scored.best(rule.strategies)
            how = rule.how.format(phrase=rule.strategies[strategy], strategy=strategy)
            _over(context, bank, rule.rule, scored, strategy, credit, f"{name}: {how}",
                  rule.what)
        if kind.empty_key is not None:
            _empty_keys(context, bank, name, kind.empty_key, entries, scored)


def _empty_keys(context: _Context, bank: BankContent, name: str, rule: EmptyKeyRule,
                entries: list[Mapping], scored: _Scored) -> None:
    empty = [e["id"] for e in entries if context.facts(e).key_empty]
    if len(entries) < MIN_SHORTCUT_ITEMS or len(empty) <= LABELS_MAX_EMPTY_SHARE * len(entries):
        return
    earns = (f"{scored.credit(rule.strategy):.2f} of the keyed credit, chance "
             f"{scored.chance():.2f}" if scored.rows else "their credit")
    context.add(rule.rule, bank, empty,
                f"{name}: {len(empty)} of {len(entries)} items ({len(empty) / len(entries):.0%}) "
                f"{rule.have} (at most {LABELS_MAX_EMPTY_SHARE:.0%}), so {rule.doing} earns "
                f"{earns}: {', '.join(empty)}")
