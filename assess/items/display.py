"""Display orders and what an applicant sees of them at a glance (lengths), for presentations
and shortcuts."""
from __future__ import annotations

import math
import random
from itertools import permutations
from typing import Any, Mapping, Sequence


def shuffled(ids: list[str], rng: random.Random) -> list[str]:
    order = list(ids)
    rng.shuffle(order)
    return order


MAX_LISTED_ORDERS = 120  # 5 ids; more are represented by a balanced set of orders


def display_orders(ids: Sequence[str]) -> list[list[str]]:
    """The orders ``shuffled`` can give, for averaging over them: all of them (equally likely)
    up to ``MAX_LISTED_ORDERS``; beyond, every rotation of ``ids`` and of its reverse, so that
    each id is at each position exactly twice (exact for what depends on one position, such
    as "pick the first", and close for the rest)."""
    ids = list(ids)
    if math.factorial(len(ids)) <= MAX_LISTED_ORDERS:
        return [list(order) for order in permutations(ids)]
    backwards = ids[::-1]
    return [base[i:] + base[:i] for base in (ids, backwards) for i in range(len(ids))]


def text_length(text: Any) -> int:
    """A response's or option's length as an applicant sizes it up: characters of its
    stripped text (as the bank linter measures length bias)."""
    return len(str(text or "").strip())


def longest(shown: Sequence[Mapping], key: str = "text") -> Mapping:
    """The longest of the displayed entries; among equally long ones, the first displayed."""
    return max(shown, key=lambda entry: text_length(entry[key]))  # max keeps the first of ties


def shortest(shown: Sequence[Mapping], key: str = "text") -> Mapping:
    return min(shown, key=lambda entry: text_length(entry[key]))

