"""Item analysis from real responses, computed as Moodle's quiz statistics report computes it.

Source: MoodleDocs, *Quiz statistics calculations*
(https://docs.moodle.org/dev/Quiz_statistics_calculations), and its companion page *Quiz report
statistics* for what the numbers mean. The formulas below are that page's, in its notation:
attempts ``s ∈ S`` (each treated as an independent student), parts ``i ∈ I``, ``x_i(s)`` the
score of attempt ``s`` on part ``i``, ``T_s`` its total test score, ``X_i(s) = T_s − x_i(s)``
its score on the rest of the test, ``x̄`` a mean over attempts, and

    V(x)    = 1/(S−1) Σ_s (x(s) − x̄)²                   (sample variance)
    C(x, y) = 1/(S−1) Σ_s (x(s) − x̄)(y(s) − ȳ)          (sample covariance)
    r(x, y) = C(x, y) / √(V(x) V(y))

Per part:

    facility index               F_i  = (x̄_i − x_i(min)) / (x_i(max) − x_i(min))
    standard deviation           SD_i = √V(x_i) / (x_i(max) − x_i(min))
    random guess score           RGS_i, the mean score of a random guesser (given: the item
                                 type knows it, see ``ItemType.guess_distribution``)
    intended weight              IW_i = (x_i(max) − x_i(min)) / (T_max − T_min)
    effective weight             EW_i = √C(x_i, T) / Σ_j √C(x_j, T)
                                 (a part with a negative covariance has none and is left out
                                 of the sum, as Moodle's calculator does)
    discrimination index         D_i  = r(x_i, X_i)
    discriminative efficiency    DE_i = C(x_i, X_i) / C_max(x_i, X_i), where C_max is the
                                 covariance of the x_i and the X_i each sorted into order: the
                                 largest covariance their two distributions allow

Per test (``T``):

    mean, median, SD = √V(T)
    m_k = 1/S Σ (T_s − T̄)^k;  k2 = S/(S−1) m2;  k3 = S²/((S−1)(S−2)) m3;
    k4 = S²/((S−1)(S−2)(S−3)) ((S+1) m4 − 3 (S−1) m2²)
    skewness = k3 / k2^(3/2);  kurtosis = k4 / k2²
    coefficient of internal consistency  CIC = I/(I−1) (1 − Σ_i V(x_i) / V(T))  (Cronbach's α)
    error ratio                          ER  = √(1 − CIC)
    standard error of measurement        SEM = ER × SD

Moodle multiplies the shares (F, SD, IW, EW, D, DE, CIC, ER) by 100 for display; here they are
fractions (0.85, not 85) and the page shows them as percentages. Scores are points.

Drawn items. Moodle analyses a quiz whose every attempt has every slot. Here sections draw items
at random, so a part is answered by some attempts only. As Moodle does for the questions behind
a random slot, each part's statistics run over the attempts that were shown it (``n``), with
the rest-of-test score of those attempts. Where a part's maximum or the test maximum varies
between attempts (a skill's points depend on the draw) the mean over those attempts stands for
``x_i(max)`` and ``T_max``, and an effective weight's denominator is the mean, over those
attempts, of Σ √C(x_j, T) across the parts each one was shown. With every part shown to every
attempt and fixed maxima, all of this is exactly the formulas above. The CIC needs a part score
for every attempt: it is computed over the columns of a complete matrix, which the caller builds
(its items, or the slots items are drawn into, each attempt's slot score being the item it got
there, as Moodle sums variances per slot).

Also here: the pieces of distractor analysis (what was picked against the key): ``Shown``
responses are counted in a ``Tally`` into ``Pick`` rows by each item type's own
``ItemType.distractors``, pure functions of the stored answers and presentations;
``distractors`` asks the item's type.

Pure: no Flask, no database, no clock. ``math`` and the standard library only: one pass of a
few C-level builtins (``sum``, ``map``, ``sorted``) per part, so a million responses take well
under the 5 s budget without numpy (see ``bench/item_analysis.py``).
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from itertools import repeat
from operator import eq, itemgetter, mul, sub
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

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
        parts.append(PartScores(keys[j], [r for r, _ in shown], [float(v) for _, v in shown],
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
        found = shared._columns.get(key)
        if found is not None and found[0] is part.rows and found[1] is part.points:
            return found[2]
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
    if key is not None:
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
                          if m.variance and m.rest_variance else None)
        efficiency = (m.covariance / m.covariance_max if m.covariance_max else None)
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
        sem = error_ratio * sd
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
    found = []
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


# ---- rubric criteria graded by people ---------------------------------------------------------

def final_levels(resolution: str | None, grades: Sequence[tuple[str, Mapping[str, float]]]
                 ) -> dict[str, float] | None:
    """The per-criterion points behind a final human grade, from its grades in the order given
    ((kind, levels) pairs, oldest first): the latest appeal or adjudication decides when the
    task was resolved so; otherwise the mean of the independent grades (one for a single mark,
    two agreeing marks averaged, as ``core.grading.resolve`` averages their totals)."""
    decisive = {"appeal": "appeal", "adjudicated": "adjudication"}.get(resolution or "")
    if decisive:
        chosen = [levels for kind, levels in grades if kind == decisive]
        if chosen:
            return {k: float(v) for k, v in chosen[-1].items()}
    independent = [levels for kind, levels in grades if kind == "independent"]
    if not independent:
        return None
    if len(independent) == 1:
        return {k: float(v) for k, v in independent[0].items()}
    keys = sorted({k for levels in independent for k in levels})
    return {k: math.fsum(float(levels.get(k, 0.0)) for levels in independent) / len(independent)
            for k in keys}


# ---- distractor analysis ---------------------------------------------------------------------

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
    from ..items import registry  # the item types build their rows from Pick and Tally
    try:
        kind = registry.get(content.get("type"))
    except registry.UnknownItemType:
        return []
    return kind.distractors(content, shown)


def __getattr__(name: str) -> Any:
    """``DISTRACTORS``: type name -> its distractor function, for every type that has a
    table; ``CLAIM_LABELS``: the fact-check labels (the fact-check type's own). Both are kept
    for callers written before types carried their distractor tables (ask the type)."""
    if name == "DISTRACTORS":
        from ..items import all_types
        return {type_name: kind.distractors for type_name, kind in all_types().items()
                if kind.has_distractors}
    if name == "CLAIM_LABELS":
        from ..items.factcheck import LABELS
        return LABELS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def confusion(name: str, picks: Iterable[Pick], labels: Sequence[str] | None = None
              ) -> Confusion:
    """Fold per-item rows (``rubric_picks``, ``factcheck_picks``) into one gold × chosen
    matrix; unanswered rows are left out."""
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
