"""What answering without reading earns, next to what answering at random earns.

A *shortcut* is a named answer a test-taker can give from what the page shows alone ("the
first response, much better", "the longest option", "every dimension at 3"): each type's
``ItemType.shortcuts``. Here they are graded by the type's own ``grade`` and set against
uniformly random answering, whose distribution is the one the random-guess validity report
uses (``ItemType.guess_distribution``, the ``auto`` of each ``GuessItem``).

Credits are shares of the item's keyed (auto-graded) points, in [0, 1]; written parts are not
modelled here. Pure: no Flask, no database.
"""
from __future__ import annotations

from typing import Any, Mapping

from .base import ItemType
from .registry import get


class NotEnumerable(ValueError):
    """The type cannot list its answers for this item (too many), so chance is unknown."""


def _kind(item_type: ItemType | str) -> ItemType:
    return item_type if isinstance(item_type, ItemType) else get(item_type)


def expected_share(distribution: Mapping[float, float], max_points: float) -> float:
    """Expected points over ``max_points`` of a points -> probability distribution, such as a
    ``GuessItem.auto``; 0 when the item has no keyed points."""
    if not max_points:
        return 0.0
    return sum(points * p for points, p in distribution.items()) / max_points


def shortcut_answers(item_type: ItemType | str, content: Mapping,
                     presentation: Mapping) -> dict[str, dict[str, Any]]:
    """The type's shortcuts for this item as shown under ``presentation``, each parsed
    (canonical answers; ``AnswerError`` would mean a type builds invalid shortcuts)."""
    kind = _kind(item_type)
    return {name: kind.parse_answer(content, raw)
            for name, raw in kind.shortcuts(content, presentation).items()}


def shortcut_credit(item_type: ItemType | str, content: Mapping,
                    presentation: Mapping) -> dict[str, float]:
    """Strategy name -> the share of the item's keyed points it earns when the item is shown
    under ``presentation`` (points / max points, graded by the type's ``grade``). ``{}`` for
    a type without a keyed part (rewrite)."""
    kind = _kind(item_type)
    if not kind.max_points(content):
        return {}
    return {name: kind.grade(content, answer).fraction
            for name, answer in shortcut_answers(kind, content, presentation).items()}


def mean_shortcut_credit(item_type: ItemType | str, content: Mapping) -> dict[str, float]:
    """``shortcut_credit`` averaged over the presentations an applicant may get
    (``ItemType.presentations``): what a strategy earns on the item before its order is
    drawn. A strategy a presentation does not offer counts as 0 there (none does today)."""
    kind = _kind(item_type)
    shown = kind.presentations(content)
    totals: dict[str, float] = {}
    for presentation in shown:
        for name, credit in shortcut_credit(kind, content, presentation).items():
            totals[name] = totals.get(name, 0.0) + credit
    return {name: round(total / len(shown), 6) for name, total in totals.items()}


def chance_credit(item_type: ItemType | str, content: Mapping,
                  presentation: Mapping | None = None) -> float:
    """The expected share of the keyed points under uniformly random answering, from the same
    answer space and grading as the random-guess validity report. Random answers do not
    depend on the display order, so ``presentation`` is accepted for symmetry and unused.
    0 for a type without a keyed part; ``NotEnumerable`` when the answers cannot be listed."""
    kind = _kind(item_type)
    max_points = kind.max_points(content)
    if not max_points:
        return 0.0
    distribution = kind.guess_distribution(content)
    if distribution is None:
        raise NotEnumerable(f"item {content.get('id')!r} has too many possible answers to "
                            f"enumerate")
    return expected_share(distribution, max_points)
