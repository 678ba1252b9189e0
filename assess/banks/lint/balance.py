"""Rules 2, 3, 5 and 7: where the key sits (gold balance), how long it is (length bias, and
the key as the longest or shortest option) and which degree keys most items (strength
balance). See the package docstring. The facts come from each item's type
(``ItemType.lint_facts``); no rule here names a type."""
from __future__ import annotations

from typing import Any

from ... import items as item_types
from .common import ALPHA, MIN_ITEMS, BankContent, _Context, _test, binomial_two_sided, by_type

LENGTH_TIE = 0.10
MAX_STRENGTH_SHARE = 0.6
# The key-length test runs from 3 items, not MIN_ITEMS: its chance rate is low (1/k), so
# the binomial test alone keeps a few items from looking biased unless the pattern is extreme
# (3 of 3 at 1/4 gives p = 0.016; 2 of 2 never flags), and banks hold only a handful of
# single-answer choice items, each of which a "pick the longest" applicant meets.
MIN_LENGTH_ITEMS = 3


def _gold_balance(context: _Context, bank: BankContent) -> None:
    """Per type (in the order the bank first uses them) and per side its ``KeyPosition``
    names: how often the key is listed at that side, against the mean chance rate."""
    for kind, entries in by_type(bank.items).items():
        tests: dict[tuple, tuple[list[str], list[str], list[float]]] = {}
        for entry in entries:
            position = context.facts(entry).key_position
            if position is None or not position.listed:
                continue
            rate = len(position.key) / len(position.listed)
            for side in position.sides:
                hits, misses, rates = tests.setdefault(
                    (position.what, side, position.other), ([], [], []))
                at = position.listed[0] if side == "first" else position.listed[-1]
                (hits if at in position.key else misses).append(entry["id"])
                rates.append(rate)
        for (what, side, other), (hits, misses, rates) in tests.items():
            _test(context, bank, "gold-balance", kind, what, hits, misses,
                  sum(rates) / len(rates), side=side, other=other)


# ------------------------------------------------------------------ 5. strength balance

def _strength_balance(context: _Context, bank: BankContent) -> None:
    """Per type: no one named degree of the key ("much better") may key most items."""
    for kind, entries in by_type(bank.items).items():
        keys: dict[Any, list[str]] = {}
        for entry in entries:
            degree = context.facts(entry).key_degree
            if degree is not None:
                keys.setdefault(degree, []).append(entry["id"])
        n = sum(len(items) for items in keys.values())
        if n < MIN_ITEMS:
            continue
        name, items = max(keys.items(), key=lambda pair: len(pair[1]))
        if len(items) > MAX_STRENGTH_SHARE * n:
            context.add("strength-balance", bank, items,
                        f"{kind}: “{name}” is the key of {len(items)} of {n} items, so "
                        f"answering it every time earns most of the points; make some "
                        f"comparisons closer: {', '.join(items)}")


# ------------------------------------------------------------------ 3. length bias

def length_bases() -> str:
    """What the length-bias rule compares, from every type that says (``length_basis``):
    "pairwise, and ranking top against bottom"."""
    bases = [kind.length_basis for kind in item_types.all_types().values() if kind.length_basis]
    return bases[0] if len(bases) < 2 else ", ".join(bases[:-1]) + ", and " + bases[-1]


def _length_bias(context: _Context, bank: BankContent) -> None:
    longer, shorter = [], []
    for entry in bank.items:
        lengths = context.facts(entry).key_lengths
        if lengths is None:
            continue
        best, worst = lengths
        if abs(best - worst) < LENGTH_TIE * max(best, worst):
            continue
        (longer if best > worst else shorter).append(entry["id"])
    n, k = len(longer) + len(shorter), len(longer)
    if n < MIN_ITEMS:
        return
    p = binomial_two_sided(k, n, 0.5)
    if p < ALPHA:
        named, side = (longer, "longer") if k * 2 >= n else (shorter, "shorter")
        context.add("length-bias", bank, named,
                    f"length bias: the preferred response is the {side} one in {len(named)} "
                    f"of {n} items ({length_bases()}; p={p:.3f}): {', '.join(named)}")


# ------------------------------------------------------------------ 7. choice key length

def _choice_length(context: _Context, bank: BankContent) -> None:
    """Items whose applicant picks one of several texts (``LintFacts.pick``), per type: how
    often the key is the strictly longest text, and how often the strictly shortest, against
    1/k for k texts. An item whose longest (shortest) length is shared by two texts has no
    strictly longest (shortest) one and is left out of that count, so ties never count for or
    against."""
    for kind, entries in by_type(bank.items).items():
        sides: dict[str, tuple[list[str], list[str], list[float]]] = {
            "longest": ([], [], []), "shortest": ([], [], [])}
        for entry in entries:
            pick = context.facts(entry).pick
            if pick is None:
                continue
            key, listed = pick
            lengths = dict(listed)
            if key not in lengths or len(lengths) < 2:
                continue
            for side, extreme in (("longest", max), ("shortest", min)):
                target = extreme(lengths.values())
                holders = [i for i, n in lengths.items() if n == target]
                if len(holders) != 1:
                    continue
                hits, misses, rates = sides[side]
                (hits if holders[0] == key else misses).append(entry["id"])
                rates.append(1 / len(lengths))
        for side, (hits, misses, rates) in sides.items():
            n, k = len(hits) + len(misses), len(hits)
            if n < MIN_LENGTH_ITEMS:
                continue
            rate = sum(rates) / n
            p = binomial_two_sided(k, n, rate)
            if p >= ALPHA or k <= rate * n:  # only an excess pays: "pick the longest" wins
                continue
            context.add("choice-length", bank, hits,
                        f"{kind}: the correct option is the strictly {side} one in {k} of {n} "
                        f"items ({k / n:.0%}; chance {rate:.0%}, expected {rate * n:.1f}; "
                        f"p={p:.3f}), so picking the {side} option pays: {', '.join(hits)}")
