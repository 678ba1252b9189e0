"""Moodle's quiz statistics (the formulas are in the package docstring): per part
(``part_statistics``), per test (``test_statistics``), both (``analyse``), and the flags the
page highlights."""
from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import repeat
from operator import eq, itemgetter, mul, sub
from typing import Any, Sequence

from .matrix import Analysis, Matrix, PartScores, PartStats, TestStats

SOURCE = "https://docs.moodle.org/dev/Quiz_statistics_calculations"

# Flags (the thresholds the analysis page highlights).
TOO_EASY, TOO_HARD = 0.9, 0.2  # facility above / below
LOW_DISCRIMINATION = 0.2  # discrimination index below
FLAG_LABELS = {
    "too_easy": "Too easy (facility above 90%)",
    "too_hard": "Too hard (facility below 20%)",
    "low_discrimination": "Discriminates poorly (below 0.20)",
    "negative_discrimination": "Negative discrimination: stronger applicants do worse",
}


# ---- the statistics ---------------------------------------------------------------------------

def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def _centred(values: Sequence[float], mean: float) -> list[float]:
    return list(map(sub, values, repeat(mean)))


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(map(mul, a, b))


def _pick(values: Sequence[float], rows: Sequence[int]) -> list[float]:
    """values[r] for each r in rows, at C speed."""
    if not rows:
        return []
    if len(rows) == len(values) and all(map(eq, rows, range(len(rows)))):
        return list(values)  # every attempt, in order
    picked = itemgetter(*rows)(values)
    return [picked] if len(rows) == 1 else list(picked)


def flags_for(facility: float | None, discrimination: float | None) -> tuple[str, ...]:
    """The flags the page highlights: facility above 0.9 or below 0.2, discrimination below
    0.2, or negative."""
    found = []
    if facility is not None:
        if facility > TOO_EASY:
            found.append("too_easy")
        elif facility < TOO_HARD:
            found.append("too_hard")
    if discrimination is not None:
        if discrimination < 0:
            found.append("negative_discrimination")
        elif discrimination < LOW_DISCRIMINATION:
            found.append("low_discrimination")
    return tuple(found)


@dataclass
class _Moments:
    """What one pass over a part's column gives (see ``_moments``)."""

    n: int
    mean: float
    max_points: float
    variance: float | None  # V(x_i)
    rest_variance: float | None  # V(X_i)
    covariance: float | None  # C(x_i, X_i)
    covariance_max: float | None  # C_max(x_i, X_i)
    covariance_total: float | None  # C(x_i, T)
    total_max: float


class Shared:
    """Work that columns over the same attempts share, kept across ``part_statistics`` calls
    on matrices with the same totals (an item's parts are shown to the same attempts as the
    item; a column may be given twice, as an item that is all one part): for each set of rows,
    its totals and their deviations; for each column, its moments. Columns are recognised by
    identity (the same ``rows`` and ``points`` objects), so pass the same lists to share."""

    def __init__(self) -> None:
        self._bound: tuple = ()
        self._rows: dict[int, tuple] = {}
        self._columns: dict[tuple, tuple] = {}

    def _bind(self, totals: Sequence[float], total_max: Any) -> None:
        if not self._bound or self._bound[0] is not totals or self._bound[1] is not total_max:
            self._bound = (totals, total_max)
            self._rows.clear()
            self._columns.clear()

    def totals(self, totals: Sequence[float], rows: Sequence[int]
               ) -> tuple[list[float], list[float]]:
        """T_s of the attempts in ``rows`` and their deviations from their mean."""
        found = self._rows.get(id(rows))
        if found is None or found[0] is not rows:
            t = _pick(totals, rows)
            found = self._rows[id(rows)] = (rows, t, _centred(t, _mean(t)))
        return found[1], found[2]


def _moments(part: PartScores, totals: Sequence[float],
             total_max: float | Sequence[float], shared: Shared | None = None) -> _Moments:
    maxima = part.max_points
    key = None
    if shared is not None:  # the same column seen before (as an item, then as its one part)
        key = (id(part.rows), id(part.points),
               maxima if isinstance(maxima, (int, float)) else id(maxima))
        seen = shared._columns.get(key)
        if seen is not None and seen[0] is part.rows and seen[1] is part.points:
            return seen[2]
    x = list(map(float, part.points))
    n = len(x)
    if len(part.rows) != n:
        raise ValueError(f"part {part.key!r}: {len(part.rows)} rows but {n} scores")
    top = float(maxima) if isinstance(maxima, (int, float)) else (_mean(maxima) if n else 0.0)
    t_max = float(total_max) if isinstance(total_max, (int, float)) else (
        _mean(_pick(total_max, part.rows)) if n else 0.0)
    if n == 0:
        return _Moments(0, 0.0, top, None, None, None, None, None, t_max)
    if shared is not None:
        t, dt = shared.totals(totals, part.rows)
    else:
        t = _pick(totals, part.rows)
        dt = None
    rest = list(map(sub, t, x))  # X_i(s) = T_s − x_i(s)
    mean_x = _mean(x)
    if n < 2:
        return _Moments(n, mean_x, top, None, None, None, None, None, t_max)
    dx, drest = _centred(x, mean_x), _centred(rest, _mean(rest))
    if dt is None:
        dt = _centred(t, _mean(t))
    scale = 1.0 / (n - 1)
    found = _Moments(
        n, mean_x, top,
        variance=_dot(dx, dx) * scale,
        rest_variance=_dot(drest, drest) * scale,
        covariance=_dot(dx, drest) * scale,
        # Sorting the deviations sorts the scores: C_max pairs the k-th smallest of each.
        covariance_max=_dot(sorted(dx), sorted(drest)) * scale,
        covariance_total=_dot(dx, dt) * scale,
        total_max=t_max)
    if shared is not None and key is not None:
        shared._columns[key] = (part.rows, part.points, found, maxima)
    return found


def part_statistics(matrix: Matrix, *, shared: Shared | None = None) -> list[PartStats]:
    """Moodle's per-question statistics for every part of ``matrix`` (see the module
    docstring), with flags. ``shared`` keeps work common to several matrices over the same
    attempts (see ``Shared``); the figures are the same with or without it."""
    if shared is not None:
        shared._bind(matrix.totals, matrix.total_max)
    moments = [_moments(part, matrix.totals, matrix.total_max, shared)
               for part in matrix.parts]
    # √C(x_j, T) for the effective weights; a negative covariance has none (Moodle's negcovar).
    roots = [math.sqrt(m.covariance_total) if m.covariance_total is not None
             and m.covariance_total >= 0 else None for m in moments]
    denominators = _weight_denominators(matrix, roots)
    stats = []
    for part, m, root, denominator in zip(matrix.parts, moments, roots, denominators):
        span = m.max_points - part.min_points
        facility = (m.mean - part.min_points) / span if m.n and span else None
        sd = math.sqrt(m.variance) / span if m.variance is not None and span else None
        t_span = m.total_max - matrix.total_min
        intended = span / t_span if m.n and t_span else None
        effective = root / denominator if root is not None and denominator else None
        discrimination = (m.covariance / math.sqrt(m.variance * m.rest_variance)
                          if m.variance and m.rest_variance and m.covariance is not None
                          else None)
        efficiency = (m.covariance / m.covariance_max
                      if m.covariance_max and m.covariance is not None else None)
        stats.append(PartStats(
            part.key, m.n, m.mean, m.max_points, facility, sd, part.random_guess, intended,
            effective, discrimination, efficiency, m.covariance_total,
            flags_for(facility, discrimination)))
    return stats


def _weight_denominators(matrix: Matrix, roots: Sequence[float | None]) -> list[float | None]:
    """Σ_j √C(x_j, T) for each part: over every part when each attempt was shown every part
    (Moodle's formula); otherwise the mean, over the attempts shown part i, of the sum across
    the parts each of them was shown."""
    count = len(matrix.totals)
    if all(len(part.rows) == count for part in matrix.parts):
        total = math.fsum(r for r in roots if r is not None)
        return [total] * len(matrix.parts)
    per_attempt = [0.0] * count
    for part, root in zip(matrix.parts, roots):
        if root:
            for r in part.rows:
                per_attempt[r] += root
    return [(_mean(_pick(per_attempt, part.rows)) if part.rows else None)
            for part in matrix.parts]


def median(values: Sequence[float]) -> float | None:
    """The middle score, or the mean of the two middle ones (Moodle's median)."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def test_statistics(totals: Sequence[float], max_total: float, *,
                    components: Sequence[Sequence[float]] | None = None) -> TestStats:
    """Moodle's test statistics of the totals ``T_s``; the CIC (and with it the error ratio
    and SEM) over ``components``: complete columns, one score per attempt each, whose sum is
    ``T`` (items, or slots)."""
    n = len(totals)
    if n == 0:
        return TestStats(0, max_total, None, None, None, None, None, None, None, None)
    mean = math.fsum(totals) / n
    d = _centred(totals, mean)
    d2 = [v * v for v in d]
    m2 = math.fsum(d2) / n
    variance = m2 * n / (n - 1) if n > 1 else None  # k2 = V(T)
    sd = math.sqrt(variance) if variance is not None else None
    skewness = kurtosis = None
    if variance:
        if n > 2:
            m3 = _dot(d2, d) / n
            k3 = n * n / ((n - 1) * (n - 2)) * m3
            skewness = k3 / variance ** 1.5
        if n > 3:
            m4 = _dot(d2, d2) / n
            k4 = n * n / ((n - 1) * (n - 2) * (n - 3)) * ((n + 1) * m4 - 3 * (n - 1) * m2 * m2)
            kurtosis = k4 / (variance * variance)
    cic = error_ratio = sem = None
    width = len(components or ())
    if components and width > 1 and variance:
        for column in components:
            if len(column) != n:
                raise ValueError("every CIC component needs one score per attempt")
        item_variance = math.fsum(_variance(column) for column in components)
        cic = width / (width - 1) * (1 - item_variance / variance)
        error_ratio = math.sqrt(max(0.0, 1 - cic))  # CIC ≤ 1 (up to rounding)
        sem = error_ratio * sd if sd is not None else None
    return TestStats(n, max_total, mean, median(totals), sd, skewness, kurtosis, cic,
                     error_ratio, sem, width)


def _variance(values: Sequence[float]) -> float:
    n = len(values)
    if n < 2:
        return 0.0
    d = _centred(values, math.fsum(values) / n)
    return _dot(d, d) / (n - 1)


def analyse(matrix: Matrix, *, components: Sequence[Sequence[float]] | None = None,
            shared: Shared | None = None) -> Analysis:
    """Test and part statistics of ``matrix``. The CIC is taken over ``components`` when
    given, else over the parts themselves if every attempt was shown every part (a complete
    matrix whose parts sum to the totals); otherwise it is left out."""
    count = len(matrix.totals)
    if components is None and matrix.parts and all(len(p.rows) == count for p in matrix.parts):
        components = [_in_row_order(p, count) for p in matrix.parts]
    max_total = matrix.total_max if isinstance(matrix.total_max, (int, float)) else (
        _mean(matrix.total_max) if count else 0.0)
    return Analysis(test_statistics(matrix.totals, float(max_total), components=components),
                    part_statistics(matrix, shared=shared))


def _in_row_order(part: PartScores, count: int) -> list[float]:
    column = [0.0] * count
    for r, v in zip(part.rows, part.points):
        column[r] = float(v)
    return column


def facility_and_sd(matrix: Matrix) -> list[tuple[float | None, float | None]]:
    """Just facility and SD per part: the plain pass the benchmark measures beside
    ``analyse``."""
    found: list[tuple[float | None, float | None]] = []
    for part in matrix.parts:
        x = part.points
        n = len(x)
        span = float(part.max_points) - part.min_points \
            if isinstance(part.max_points, (int, float)) else _mean(part.max_points)
        if not n or not span:
            found.append((None, None))
            continue
        mean = math.fsum(x) / n
        var = (math.fsum(map(mul, x, x)) - n * mean * mean) / (n - 1) if n > 1 else None
        found.append(((mean - part.min_points) / span,
                      math.sqrt(max(var, 0.0)) / span if var is not None else None))
    return found

