"""Uncertainty intervals for the numbers leads act on: Wilson's score interval for a
proportion, and a seeded percentile bootstrap for any statistic of independent units (a
grader's kappa over the tasks they marked, say). Pure, standard library only.

A flag raised on a point estimate alone fires on noise: two graders who agree on 7 of 9
tasks have an exact-agreement rate somewhere between 45% and 94% (95% Wilson interval), which
says almost nothing. Callers flag only when a whole interval lies past a threshold."""
from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any, Callable, Mapping, Sequence

CONFIDENCE = 0.95
RESAMPLES = 1000  # Efron & Tibshirani's minimum for a percentile interval
SEED = 8_146_529  # any fixed number: the same data always gives the same interval


@dataclass(frozen=True)
class Interval:
    low: float
    high: float
    confidence: float
    method: str  # "wilson" or "bootstrap"

    def below(self, threshold: float) -> bool:
        """The whole interval lies below ``threshold``: the evidence is clear."""
        return self.high < threshold

    def above(self, threshold: float) -> bool:
        return self.low > threshold

    def describe(self, fmt: str = "{:.2f}") -> str:
        return f"{self.confidence:.0%} interval {fmt.format(self.low)} to {fmt.format(self.high)}"


def z_value(confidence: float) -> float:
    """The two-sided standard normal quantile: 1.959964 for 95%."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, not {confidence!r}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, *, confidence: float = CONFIDENCE
                    ) -> Interval | None:
    """Wilson's (1927) score interval for a proportion ``successes`` / ``n``; ``None`` when
    ``n`` is 0. Unlike the textbook p ± z·√(p(1−p)/n) it stays inside [0, 1] and does not
    collapse to a point at 0 or n successes, which is what small samples need (Newcombe 1998,
    method 3)."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes} of {n}")
    if n == 0:
        return None
    z = z_value(confidence)
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # The bounds are exactly 0 and 1 at 0 and n successes; rounding must not push past them.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high, confidence, "wilson")


def quantile(ordered: Sequence[float], q: float) -> float:
    """The ``q`` quantile of sorted values, interpolating linearly between order statistics
    (Hyndman & Fan's type 7, numpy's default): position q·(m − 1), counted from 0."""
    if not ordered:
        raise ValueError("quantile of no values")
    if not 0 <= q <= 1:
        raise ValueError(f"q must be between 0 and 1, not {q!r}")
    position = q * (len(ordered) - 1)
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    return ordered[below] + (ordered[above] - ordered[below]) * fraction


Statistic = Callable[[list], "float | None"]


def bootstrap_interval(units: Sequence[Any], statistic: Statistic, *,
                       confidence: float = CONFIDENCE, resamples: int = RESAMPLES,
                       seed: int = SEED, undefined: float | None = None) -> Interval | None:
    """Percentile bootstrap interval (Efron) for ``statistic`` over independent ``units``.

    Each resample is ``len(units)`` units drawn with replacement by a ``random.Random(seed)``,
    so the same units always give the same interval. ``statistic`` receives the resample (a
    list) and returns a number, or ``None`` where it is undefined: such resamples count as
    ``undefined`` when that is given, and are left out otherwise. Returns ``None`` for no
    units, or when every resample is undefined."""
    return bootstrap_intervals(units, {"": statistic}, confidence=confidence,
                               resamples=resamples, seed=seed, undefined={"": undefined})[""]


def bootstrap_intervals(units: Sequence[Any], statistics: Mapping[str, Statistic], *,
                        confidence: float = CONFIDENCE, resamples: int = RESAMPLES,
                        seed: int = SEED, undefined: Mapping[str, float | None] | None = None
                        ) -> dict[str, Interval | None]:
    """``bootstrap_interval`` for several statistics of the same units on the same
    resamples (drawing is most of the cost): name → interval."""
    units = list(units)
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    z_value(confidence)  # validates it
    undefined = undefined or {}
    if not units:
        return {name: None for name in statistics}
    rng = random.Random(seed)
    values: dict[str, list[float]] = {name: [] for name in statistics}
    for _ in range(resamples):
        resample = rng.choices(units, k=len(units))
        for name, statistic in statistics.items():
            value = statistic(resample)
            if value is None:
                value = undefined.get(name)
            if value is not None:
                values[name].append(value)
    tail = (1 - confidence) / 2
    result: dict[str, Interval | None] = {}
    for name, found in values.items():
        found.sort()
        result[name] = Interval(quantile(found, tail), quantile(found, 1 - tail), confidence,
                                "bootstrap") if found else None
    return result


def mean(values: Sequence[float]) -> float | None:
    """The mean, or ``None`` of nothing: a ready-made bootstrap statistic."""
    return math.fsum(values) / len(values) if values else None
