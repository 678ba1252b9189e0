"""Distractor analysis: what was picked against the key. ``Shown`` responses are counted in a
``Tally`` into ``Pick`` rows by each item type's own ``ItemType.distractors``; the rows of
item versions the type sends to the same ``ConfusionKey`` fold into one gold × chosen
``Confusion``."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

NO_ANSWER = "(no answer)"
NONE_APPLY = "(none apply)"  # the answer "nothing applies" (an empty selection)


@dataclass(frozen=True)
class Pick:
    """How often one answer was given to one question of an item, against the key.

    ``target`` is what was asked (``options``, a claim, a rubric dimension, a response to
    rank, ``side × strength``); ``key`` the gold answer to it; ``answer`` one possible answer;
    ``share`` its count over the attempts that were shown the item; ``mean_score`` the mean
    test score (a share of the maximum) of those who gave it, when scores are known."""

    target: str
    key: str
    answer: str
    count: int
    share: float
    correct: bool
    mean_score: float | None = None


class Shown(NamedTuple):
    """One response to an item as the distractor functions read it (a tuple: there may be
    hundreds of thousands)."""

    answer: Mapping[str, Any] | None
    presentation: Mapping[str, Any] | None = None
    score: float | None = None  # the attempt's test score as a share, for ``mean_score``


class Tally:
    """Counts of the answers given to each question of one item (and the test scores of those
    who gave them), turned into ``Pick`` rows by ``pick``."""

    def __init__(self, shown: Sequence[Shown]):
        self.total = len(shown)
        self.counts: Counter = Counter()
        self.sums: dict[tuple, list[float]] = {}  # (target, answer) -> [Σ score, scores]

    def add(self, target: str, answer: str, score: float | None) -> None:
        key = (target, answer)
        self.counts[key] += 1
        if score is not None:
            found = self.sums.get(key)
            if found is None:
                self.sums[key] = [score, 1]
            else:
                found[0] += score
                found[1] += 1

    def pick(self, target: str, key: str, answer: str, correct: bool) -> Pick:
        count = self.counts[(target, answer)]
        found = self.sums.get((target, answer))
        return Pick(target, key, answer, count, count / self.total if self.total else 0.0,
                    correct, found[0] / found[1] if found else None)


def distractors(content: Mapping[str, Any], shown: Sequence[Shown]) -> list[Pick]:
    """The distractor table of one item version: its type's ``ItemType.distractors`` (empty
    for a type without keyed choices, such as rewrite, and for an unknown type)."""
    from ...items import registry  # the item types build their rows from Pick and Tally
    try:
        kind = registry.get(content.get("type"))
    except registry.UnknownItemType:
        return []
    return kind.distractors(content, shown)


@dataclass(frozen=True)
class Confusion:
    """Gold × chosen counts for one rubric dimension or for fact-check claims, summed over
    every item version that has it."""

    name: str
    labels: tuple[str, ...]  # rows (gold) and columns (chosen), in order
    counts: Mapping[tuple[str, str], int]

    def count(self, gold: str, chosen: str) -> int:
        return self.counts.get((gold, chosen), 0)

    @property
    def keys(self) -> tuple[str, ...]:
        """The gold labels some answer was given for: the matrix's rows worth showing."""
        return tuple(g for g in self.labels if any(self.count(g, c) for c in self.labels))


class ConfusionKey(NamedTuple):
    """The gold × chosen matrix a distractor row counts in, as its item type says
    (``ItemType.confusion_key``): the rows of every item version with the same key fold into
    one ``Confusion``, and the matrices are listed by ``order``."""

    order: tuple  # where the matrix goes among the others (ascending)
    name: str
    labels: tuple[str, ...] | None = None  # rows and columns in order; None: those answered


def confusion(name: str, picks: Iterable[Pick], labels: Sequence[str] | None = None
              ) -> Confusion:
    """Fold per-item rows (a rubric dimension's levels, fact-check claims' labels) into one
    gold × chosen matrix; unanswered rows are left out (``labels`` None: the labels found,
    numbers first, in order)."""
    counts: Counter = Counter()
    seen: list[str] = list(labels or [])
    for pick in picks:
        if pick.answer == NO_ANSWER:
            continue
        counts[(pick.key, pick.answer)] += pick.count
        for label in (pick.key, pick.answer):
            if label not in seen:
                seen.append(label)
    if labels is None:
        seen.sort(key=lambda v: (0, int(v)) if v.lstrip("-").isdigit() else (1, v))
    return Confusion(name, tuple(seen), dict(counts))
