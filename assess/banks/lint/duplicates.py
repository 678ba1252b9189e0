"""Rule 1: near-duplicate items, within and across banks (see the package docstring)."""
from __future__ import annotations

import re
from itertools import combinations
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
    return {tuple(words[i:i + size]) for i in range(len(words) - size + 1)}


def _duplicates(context: _Context, banks: Sequence[BankContent]) -> None:
    entries = [(bank, entry) for bank in banks for entry in bank.items]
    sets = [shingles(normalise(item_text(entry, context.facts(entry)))) for _, entry in entries]
    index: dict[tuple[str, ...], list[int]] = {}
    for i, shingle_set in enumerate(sets):
        for shingle in shingle_set:
            index.setdefault(shingle, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in index.values():
        for pair in combinations(holders, 2):
            shared[pair] = shared.get(pair, 0) + 1
    reported: dict[tuple[int, int], str] = {}
    for (i, j), common in shared.items():
        similarity = common / (len(sets[i]) + len(sets[j]) - common)
        if similarity >= DUPLICATE_JACCARD:
            reported[(i, j)] = f"{similarity:.0%} of word {SHINGLE_WORDS}-grams shared"
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
