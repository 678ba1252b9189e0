"""Rule 1: near-duplicate items, within and across banks (see the package docstring)."""
from __future__ import annotations

import re
from collections import Counter
from fractions import Fraction
from itertools import chain
from typing import Mapping, Sequence

from ...items import LintFacts
from .common import BankContent, _Context, facts_of

SHINGLE_WORDS = 5
DUPLICATE_JACCARD = 0.6


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def normalise(text: str) -> list[str]:
    return _PUNCTUATION.sub(" ", text.lower()).split()


def item_text(entry: Mapping, facts: LintFacts | None = None) -> str:
    """The item's own words (``LintFacts.texts``, from its type), one text a line."""
    return "\n".join((facts or facts_of(entry)).texts)


def shingles(words: Sequence[str], size: int = SHINGLE_WORDS) -> set[tuple[str, ...]]:
    if len(words) <= size:
        return {tuple(words)} if words else set()
    return set(zip(*(words[i:] for i in range(size))))


def similar_pairs(sets: Sequence[set], threshold: float) -> dict[tuple[int, int], float]:
    """``{(i, j): Jaccard similarity}`` for every i < j whose sets are at least ``threshold``
    alike, without comparing every pair: prefix filtering (Bayardo et al., "Scaling up all
    pairs similarity search", 2007). Shingles are ranked rarest first (one order for the
    whole run); two sets sharing a ``threshold`` of their union share a shingle among the
    ``len - ceil(threshold * len) + 1`` best-ranked of either, so only sets meeting in those
    prefixes are compared, and a phrase most items hold is almost never in a prefix. Exact
    and deterministic: the same pairs as comparing every pair."""
    frequency = Counter(chain.from_iterable(sets))
    # Only shingles two sets hold can join a pair; the others rank first (rarest) and are
    # skipped. Stable sort: equally frequent shingles keep the order they were met in.
    shared = sorted((s for s, n in frequency.items() if n > 1), key=frequency.__getitem__)
    rank = dict(zip(shared, range(len(shared))))
    # Exact and a hair low, so rounding never shortens a prefix (0.9 * 10 is 9.000…02).
    at_least = Fraction(threshold) - Fraction(1, 10 ** 9)
    top, bottom = at_least.numerator, at_least.denominator
    index: dict[int, list[int]] = {}
    found: dict[tuple[int, int], float] = {}
    for j, own in enumerate(sets):
        held = sorted(map(rank.__getitem__, own & rank.keys()))
        keep = len(own) + (-top * len(own)) // bottom + 1  # len - ceil(at_least * len) + 1
        prefix = held[:max(0, keep - (len(own) - len(held)))]
        candidates = {i for token in prefix for i in index.get(token, ())}
        for i in sorted(candidates):
            common = len(sets[i] & own)
            similarity = common / (len(sets[i]) + len(own) - common)
            if similarity >= threshold:
                found[(i, j)] = similarity
        for token in prefix:
            index.setdefault(token, []).append(j)
    return found


def _duplicates(context: _Context, banks: Sequence[BankContent]) -> None:
    entries = [(bank, entry) for bank in banks for entry in bank.items]
    sets = [shingles(normalise(item_text(entry, context.facts(entry)))) for _, entry in entries]
    reported: dict[tuple[int, int], str] = {
        pair: f"{similarity:.0%} of word {SHINGLE_WORDS}-grams shared"
        for pair, similarity in similar_pairs(sets, DUPLICATE_JACCARD).items()}
    prompts: dict[tuple[str, tuple[str, ...]], int] = {}
    for j, (_, entry) in enumerate(entries):
        words = tuple(normalise(entry.get("prompt") or ""))
        if not words:
            continue
        i = prompts.setdefault((entry.get("type"), words), j)
        if i != j and (i, j) not in reported:
            reported[(i, j)] = f"same prompt and type ({entry.get('type')})"
    for (i, j), why in sorted(reported.items()):
        (first_bank, first), (bank, entry) = entries[i], entries[j]
        other = f"{first_bank.slug}/{first['id']} ({first_bank.file}:" \
                f"{context.line(first_bank, first['id']) or '?'})"
        context.add("duplicate", bank, [entry["id"], first["id"]],
                    f"near-duplicate of {other}: {why}")
