"""Human grading rules as pure functions: rubric levels, who marks twice, how two marks
resolve, and the word diff a grader sees for a rewrite."""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence


class LevelError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def score_levels(rubric: Mapping[str, Any], chosen: Mapping[str, Any]) -> dict[str, float]:
    """The points chosen per criterion, each one of that criterion's levels; all required."""
    scored: dict[str, float] = {}
    criteria = {c["id"]: c for c in rubric["criteria"]}
    for key in chosen:
        if key not in criteria:
            raise LevelError(f"levels.{key}", "is not a criterion of this rubric")
    for ident, criterion in criteria.items():
        value = chosen.get(ident)
        if value is None or value == "":
            raise LevelError(f"levels.{ident}", f"choose a level for “{criterion['label']}”")
        try:
            points = float(value)
        except (TypeError, ValueError):
            raise LevelError(f"levels.{ident}", "expected the points of one level") from None
        allowed = [float(level["points"]) for level in criterion["levels"]]
        if points not in allowed:
            raise LevelError(f"levels.{ident}", "is not one of this criterion's levels ("
                             + ", ".join(f"{p:g}" for p in allowed) + ")")
        scored[ident] = points
    return scored


def marked_twice(key: str, share: float) -> bool:
    """Whether a task is double marked: a stable hash of ``key`` against ``share`` (0..1), so
    the choice is random across tasks but the same every time it is asked."""
    digest = hashlib.sha256(key.encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


@dataclass(frozen=True)
class Resolution:
    status: str  # "open" | "final" | "needs_adjudication"
    points: float | None
    how: str | None  # "single" | "agreed" | None


def resolve(points: Sequence[float], required: int, max_points: float,
            threshold: float) -> Resolution:
    """What the independent marks so far decide. Two marks further apart than ``threshold``
    (a share of the maximum) go to a lead; closer marks are averaged."""
    if len(points) < required:
        return Resolution("open", None, None)
    if required == 1:
        return Resolution("final", points[0], "single")
    if max(points) - min(points) > threshold * max_points + 1e-9:
        return Resolution("needs_adjudication", None, None)
    return Resolution("final", round(sum(points) / len(points), 6), "agreed")


_TOKENS = re.compile(r"\s*\S+\s*|\s+")  # words with their spacing: blanks never "match"
UNRELATED = 0.25  # below this similarity a rewrite is shown as replacing the whole text


def word_diff(original: str, rewrite: str) -> list[tuple[str, str]]:
    """(op, text) runs turning ``original`` into ``rewrite``; op is "same", "del" or "ins"."""
    a, b = _TOKENS.findall(original or ""), _TOKENS.findall(rewrite or "")
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    if a and b and matcher.ratio() < UNRELATED:
        return [("del", original), ("ins", rewrite)]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            runs.append(("same", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            runs.append(("del", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            runs.append(("ins", "".join(b[j1:j2])))
    return runs


def could_cross_a_tier(auto_points: float, auto_max: float, written_max: float,
                       task_max: float, thresholds: Sequence[float]) -> bool:
    """Whether one written task's points alone could carry the attempt over a tier's minimum.

    The written part is projected to score the same share as the automatic part; if a
    threshold lies within this task's weight of that projection, the task is double marked.
    """
    total = auto_max + written_max
    if not total or not task_max:
        return False
    projected = auto_points / auto_max if auto_max else 0.5
    reach = task_max / total
    return any(abs(projected - threshold) <= reach for threshold in thresholds)
