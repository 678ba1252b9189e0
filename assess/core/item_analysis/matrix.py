"""The attempts × parts matrix the statistics read (``PartScores`` columns in a ``Matrix``)
and the records they give (``PartStats``, ``TestStats``, ``Analysis``)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

# ---- input ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartScores:
    """One column of the attempts × parts matrix, kept sparse: the attempts (row indices into
    the totals, ascending) that were shown the part, and their scores on it."""

    key: Any
    rows: Sequence[int]
    points: Sequence[float]
    max_points: float | Sequence[float]  # x_i(max); one per row where it varies (skills)
    min_points: float = 0.0
    random_guess: float | None = None  # RGS_i as a share of the range, when known


@dataclass(frozen=True)
class Matrix:
    """Attempts × parts: the parts' columns, each attempt's total ``T_s`` and its maximum."""

    parts: Sequence[PartScores]
    totals: Sequence[float]
    total_max: float | Sequence[float]
    total_min: float = 0.0


def dense(rows: Sequence[Sequence[float | None]], max_points: Sequence[float], *,
          keys: Sequence[Any] | None = None, random_guess: Sequence[float | None] | None = None,
          totals: Sequence[float] | None = None) -> Matrix:
    """A ``Matrix`` from a plain table (one row per attempt, ``None`` where a part was not
    shown). Totals default to each row's sum and the test maximum to the sum of maxima."""
    width = len(max_points)
    keys = list(keys) if keys is not None else list(range(width))
    guesses = list(random_guess) if random_guess is not None else [None] * width
    parts = []
    for j in range(width):
        shown = [(r, row[j]) for r, row in enumerate(rows) if row[j] is not None]
        points = [float(v) for _, v in shown if v is not None]
        parts.append(PartScores(keys[j], [r for r, _ in shown], points,
                                float(max_points[j]), random_guess=guesses[j]))
    if totals is None:
        totals = [math.fsum(v for v in row if v is not None) for row in rows]
    return Matrix(parts, list(totals), float(sum(max_points)))


# ---- output -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PartStats:
    key: Any
    n: int  # attempts shown the part
    mean: float  # x̄_i, points
    max_points: float  # x_i(max) (the mean where it varies)
    facility: float | None
    sd: float | None
    random_guess: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination: float | None
    discriminative_efficiency: float | None
    covariance_with_total: float | None  # C(x_i, T), which effective weights are made of
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class TestStats:
    n: int  # attempts
    max_total: float  # T_max (the mean where it varies)
    mean: float | None  # points
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None  # coefficient of internal consistency (Cronbach's α), a fraction
    error_ratio: float | None
    sem: float | None  # standard error of measurement, points
    components: int = 0  # I in the CIC: the columns of the complete matrix it was taken over

    def share(self, points: float | None) -> float | None:
        """Points as a share of the test maximum (Moodle shows test figures so)."""
        return None if points is None or not self.max_total else points / self.max_total


@dataclass(frozen=True)
class Analysis:
    test: TestStats
    parts: list[PartStats]

