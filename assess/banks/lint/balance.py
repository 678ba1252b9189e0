"""Rules 2, 3, 5 and 7: where the key sits (gold balance), how long it is (length bias, and
the choice key as the longest or shortest option) and which pairwise strength keys most items
(strength balance). See the package docstring."""
from __future__ import annotations

from typing import Any, Mapping

from ...items.base import text_length
from .common import (ALPHA, MIN_ITEMS, BankContent, _Context, _group, _ids, _test,
                     binomial_two_sided)

LENGTH_TIE = 0.10
MAX_STRENGTH_SHARE = 0.6
STRENGTH_NAMES = {1: "slightly better", 2: "clearly better", 3: "much better", "equal": "equal"}
# The choice length test runs from 3 items, not MIN_ITEMS: its chance rate is low (1/k), so
# the binomial test alone keeps a few items from looking biased unless the pattern is extreme
# (3 of 3 at 1/4 gives p = 0.016; 2 of 2 never flags), and banks hold only a handful of
# single-answer choice items, each of which a "pick the longest" applicant meets.
MIN_LENGTH_ITEMS = 3


def _gold_balance(context: _Context, bank: BankContent) -> None:
    pair_hits, pair_misses = [], []
    choice_first, choice_last, choice_rates = ([], []), ([], []), []
    rank_hits, rank_misses, rank_rates = [], [], []
    for entry in bank.items:
        kind, gold, item = entry.get("type"), entry.get("gold"), entry["id"]
        if kind == "pairwise" and isinstance(gold, Mapping) and gold.get("choice") != "equal":
            ids = _ids(entry.get("responses"))
            (pair_hits if ids and gold.get("choice") == ids[0] else pair_misses).append(item)
        elif kind == "choice" and not entry.get("multiple", False):
            ids = _ids(entry.get("options"))
            answer = gold[0] if isinstance(gold, list) and gold else gold
            if not ids:
                continue
            choice_rates.append(1 / len(ids))
            choice_first[0 if answer == ids[0] else 1].append(item)
            choice_last[0 if answer == ids[-1] else 1].append(item)
        elif kind == "ranking" and isinstance(gold, Mapping) and gold.get("order"):
            ids = _ids(entry.get("responses"))
            top = _group(gold["order"][0])
            if not ids:
                continue
            rank_rates.append(len(top) / len(ids))
            (rank_hits if ids[0] in top else rank_misses).append(item)
    _test(context, bank, "gold-balance", "pairwise", "the better response is listed",
          pair_hits, pair_misses, 0.5, other="second")
    if choice_rates:
        rate = sum(choice_rates) / len(choice_rates)
        _test(context, bank, "gold-balance", "choice", "the correct option is listed",
              *choice_first, rate)
        _test(context, bank, "gold-balance", "choice", "the correct option is listed",
              *choice_last, rate, side="last")
    if rank_rates:
        _test(context, bank, "gold-balance", "ranking", "a top-ranked response is listed",
              rank_hits, rank_misses, sum(rank_rates) / len(rank_rates))


# ------------------------------------------------------------------ 5. strength balance

def _strength_balance(context: _Context, bank: BankContent) -> None:
    keys: dict[Any, list[str]] = {}
    for entry in bank.items:
        gold = entry.get("gold")
        if entry.get("type") != "pairwise" or not isinstance(gold, Mapping):
            continue
        key = "equal" if gold.get("choice") == "equal" else gold.get("strength")
        if key is not None:
            keys.setdefault(key, []).append(entry["id"])
    n = sum(len(items) for items in keys.values())
    if n < MIN_ITEMS:
        return
    key, items = max(keys.items(), key=lambda pair: len(pair[1]))
    if len(items) > MAX_STRENGTH_SHARE * n:
        name = STRENGTH_NAMES.get(key, str(key))
        context.add("strength-balance", bank, items,
                    f"pairwise: “{name}” is the key of {len(items)} of {n} items, so answering "
                    f"it every time earns most of the points; make some comparisons closer: "
                    f"{', '.join(items)}")


# ------------------------------------------------------------------ 3. length bias

def _lengths(entry: Mapping) -> dict[str, int]:
    return {r["id"]: len(str(r.get("text") or "").strip()) for r in entry.get("responses") or ()
            if isinstance(r, Mapping) and "id" in r}


def _length_bias(context: _Context, bank: BankContent) -> None:
    longer, shorter = [], []
    for entry in bank.items:
        kind, gold, lengths = entry.get("type"), entry.get("gold"), _lengths(entry)
        if not isinstance(gold, Mapping):
            continue
        if kind == "pairwise" and gold.get("choice") in lengths and len(lengths) == 2:
            best = lengths[gold["choice"]]
            worst = next(v for k, v in lengths.items() if k != gold["choice"])
        elif kind == "ranking" and len(gold.get("order") or ()) >= 2:
            top, bottom = _group(gold["order"][0]), _group(gold["order"][-1])
            if not all(i in lengths for i in top + bottom):
                continue
            best = sum(lengths[i] for i in top) / len(top)
            worst = sum(lengths[i] for i in bottom) / len(bottom)
        else:
            continue
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
                    f"of {n} items (pairwise, and ranking top against bottom; p={p:.3f}): "
                    f"{', '.join(named)}")


# ------------------------------------------------------------------ 7. choice key length

def _choice_length(context: _Context, bank: BankContent) -> None:
    """Single-answer choice items: how often the key is the strictly longest option, and how
    often the strictly shortest, against 1/k for k options. An item whose longest (shortest)
    length is shared by two options has no strictly longest (shortest) one and is left out of
    that count, so ties never count for or against."""
    sides: dict[str, tuple[list[str], list[str], list[float]]] = {
        "longest": ([], [], []), "shortest": ([], [], [])}
    for entry in bank.items:
        gold, options = entry.get("gold"), entry.get("options")
        if entry.get("type") != "choice" or entry.get("multiple", False):
            continue
        key = gold[0] if isinstance(gold, list) and len(gold) == 1 else gold
        lengths = {o["id"]: text_length(o.get("text")) for o in options or ()
                   if isinstance(o, Mapping) and "id" in o}
        if not isinstance(key, str) or key not in lengths or len(lengths) < 2:
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
                    f"choice: the correct option is the strictly {side} one in {k} of {n} "
                    f"items ({k / n:.0%}; chance {rate:.0%}, expected {rate * n:.1f}; "
                    f"p={p:.3f}), so picking the {side} option pays: {', '.join(hits)}")
