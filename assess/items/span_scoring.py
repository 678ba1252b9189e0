"""Span answers: parsing the marked word ranges, and grading them against the gold passages by
token F1 with a boundary tolerance (see ``assess.items.span`` for the rules)."""
from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from .answers import AnswerError
from .schema import describe
from .span_text import Span

DEFAULT_TOLERANCE = 1
MAX_SPANS = 200  # spans in one answer
_FORM_SPAN = re.compile(r"([0-9]{1,6})(?:\s*[-–]\s*([0-9]{1,6}))?")


# ---- scoring ---------------------------------------------------------------------------------

def token_set(spans: Iterable[Sequence[int]]) -> set[int]:
    tokens: set[int] = set()
    for first, last in spans:
        tokens.update(range(first, last + 1))
    return tokens


def runs(tokens: Iterable[int]) -> list[Span]:
    """Maximal runs of consecutive token indices, in order."""
    found: list[list[int]] = []
    for t in sorted(set(tokens)):
        if found and t == found[-1][1] + 1:
            found[-1][1] = t
        else:
            found.append([t, t])
    return [(a, b) for a, b in found]


def merged(spans: Iterable[Sequence[int]]) -> list[Span]:
    """The runs of the tokens of ``spans``: sorted, overlapping or touching spans joined.
    (The same as ``runs(token_set(spans))``, in time proportional to the number of spans.)"""
    found: list[list[int]] = []
    for a, b in sorted((span[0], span[1]) for span in spans):
        if found and a <= found[-1][1] + 1:
            found[-1][1] = max(found[-1][1], b)
        else:
            found.append([a, b])
    return [(a, b) for a, b in found]


def _size(spans: Sequence[Span]) -> int:
    return sum(b - a + 1 for a, b in spans)


def _shared(xs: Sequence[Span], ys: Sequence[Span]) -> int:
    """Tokens in both of two sorted lists of disjoint runs."""
    i = j = total = 0
    while i < len(xs) and j < len(ys):
        (a, b), (c, d) = xs[i], ys[j]
        total += max(0, min(b, d) - max(a, c) + 1)
        if b < d:
            i += 1
        else:
            j += 1
    return total


def _ratio(numerator: int, denominator: int) -> float | None:
    return round(numerator / denominator, 6) if denominator else None


def score_spans(marked: Iterable[Sequence[int]], gold: Iterable[Sequence[int]],
                tolerance: int = DEFAULT_TOLERANCE) -> dict[str, Any]:
    """Token-level F1 of marked against gold spans with ``tolerance`` (``assess.items.span``).

    Works on runs (intervals), not on sets of tokens, so that grading every answer of a
    random guesser stays cheap on long responses."""
    marked_runs, gold_runs = merged(marked), merged(gold)
    kept: list[Span] = []  # marked runs not adjusted
    credited_gold: set[int] = set()  # gold runs that adjusted runs count as
    touched: set[int] = set()
    detail_runs = []
    first = 0
    for a, b in marked_runs:
        while first < len(gold_runs) and gold_runs[first][1] < a:
            first += 1  # gold runs wholly before this run are before every later one too
        touching = []
        for k in range(first, len(gold_runs)):
            if gold_runs[k][0] > b:
                break
            touching.append(k)
        touched.update(touching)
        overlap = sum(min(b, gold_runs[k][1]) - max(a, gold_runs[k][0]) + 1 for k in touching)
        credited = None
        if len(touching) == 1:
            c, d = gold_runs[touching[0]]
            if abs(a - c) <= tolerance and abs(b - d) <= tolerance:
                credited = [c, d]
                credited_gold.add(touching[0])
        if credited is None:
            kept.append((a, b))
        detail_runs.append({"span": [a, b], "overlap": overlap, "credited": credited})
    adjusted = merged(kept + [gold_runs[k] for k in credited_gold])  # M' as runs
    both, size, gold_size = _shared(adjusted, gold_runs), _size(adjusted), _size(gold_runs)
    total = size + gold_size
    return {
        "tolerance": tolerance,
        "f1": round(2 * both / total if total else 1.0, 6),
        "precision": _ratio(both, size),
        "recall": _ratio(both, gold_size),
        "marked_tokens": _size(marked_runs),
        "gold_tokens": gold_size,
        "overlap": both,
        "runs": detail_runs,
        "missed": [list(run) for k, run in enumerate(gold_runs) if k not in touched],
    }


# ---- answers ---------------------------------------------------------------------------------

def form_span(piece: str) -> Any:
    """``"3-5"`` -> ``[3, 5]``, ``"4"`` -> ``[4, 4]``; anything else is left for
    ``parse_answer`` to refuse."""
    m = _FORM_SPAN.fullmatch(piece)
    if not m:
        return piece
    first = int(m.group(1))
    return [first, int(m.group(2)) if m.group(2) is not None else first]


def parse_spans(value: Any, count: int) -> list[list[int]]:
    """An answer's spans over a response of ``count`` tokens, canonical (sorted, no
    repeats), else ``AnswerError("spans")``."""
    if not isinstance(value, list):
        raise AnswerError("spans", "expected a list of [first, last] word index ranges")
    if len(value) > MAX_SPANS:
        raise AnswerError("spans", f"{len(value)} spans; at most {MAX_SPANS}")
    spans: set[Span] = set()
    for item in value:
        span = form_span(item.strip()) if isinstance(item, str) else item
        if (not isinstance(span, (list, tuple)) or len(span) != 2
                or any(isinstance(i, bool) or not isinstance(i, int) for i in span)):
            raise AnswerError("spans", f"expected [first, last] word indices or 'first-last', "
                                       f"got {describe(item)}")
        first, last = span
        if not 0 <= first <= last < count:
            raise AnswerError("spans", f"span {first}-{last} is not a range of the response's "
                                       f"{count} words (0 to {count - 1}, first <= last)")
        spans.add((first, last))
    return [list(s) for s in sorted(spans)]


def well_formed(spans: Any, count: int) -> list[Span]:
    """The spans of a stored or echoed answer that are ranges of the response (others are
    ignored: a review must not fail on an old or unparsed answer)."""
    good = []
    for span in spans if isinstance(spans, list) else []:
        if (isinstance(span, (list, tuple)) and len(span) == 2
                and all(isinstance(i, int) and not isinstance(i, bool) for i in span)
                and 0 <= span[0] <= span[1] < count):
            good.append((span[0], span[1]))
    return good


def _mix(seed: int) -> int:
    """splitmix64: a fixed, portable stream of pseudo-random bits (no ``random`` here)."""
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return z ^ (z >> 31)


def random_ticks(count: int, sample: int) -> list[int]:
    """``count`` random bits (one per sentence) for guess number ``sample``."""
    bits, word, block = [], 0, -1
    for i in range(count):
        if i // 64 != block:
            block = i // 64
            word = _mix(sample * 1_000_003 + block)
        bits.append((word >> (i % 64)) & 1)
    return bits
