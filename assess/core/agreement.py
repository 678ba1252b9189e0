"""Inter-rater agreement for human graders: Cohen's kappa for two graders and Krippendorff's
alpha for any number of graders with missing marks. Standard library only.

Both functions return ``None`` when the coefficient is undefined (nothing to compare, or no
variation at all, so agreement cannot be told apart from chance) and raise ``ValueError`` for
malformed input."""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from typing import Any, Hashable, Iterable, Mapping, Sequence

_KAPPA_WEIGHTS = (None, "linear", "quadratic")
_ALPHA_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _ordered_levels(values: Iterable[Hashable], what: str) -> list:
    try:
        return sorted(set(values))
    except TypeError:
        raise ValueError(f"{what} must be mutually comparable to be put in order; "
                         "pass `categories` to give the order") from None


def cohen_kappa(a: Sequence[Any], b: Sequence[Any], *, categories: Sequence[Any] | None = None,
                weights: str | None = None) -> float | None:
    """Cohen's kappa between two graders' paired ratings ``a[i]``, ``b[i]`` of the same items.

    ``weights``: ``None`` (unweighted, Cohen 1960), ``"linear"`` or ``"quadratic"`` (Cohen 1968;
    quadratic is Fleiss & Cohen's). Weights use each level's *position* on the ordered scale
    (as scikit-learn and the textbooks do): ``categories`` gives the full scale, so levels
    nobody used still widen the gaps; without it the scale is the sorted levels that occur.
    Rubric points that are evenly spaced give the same result either way.

    A pair with a missing rating (``None`` or NaN) on either side is dropped. Returns ``None``
    when kappa is undefined: no complete pair, or no expected disagreement (both graders gave
    every item the same single level, so kappa is 0/0 however well they "agree"). Raises
    ``ValueError`` for sequences of different lengths, an unknown ``weights``, or a rating not
    among ``categories``.
    """
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa needs paired ratings: a has {len(a)} ratings "
                         f"but b has {len(b)}")
    if weights not in _KAPPA_WEIGHTS:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    pairs = [(x, y) for x, y in zip(a, b) if not _missing(x) and not _missing(y)]

    if categories is not None:
        levels = list(categories)
        if len(set(levels)) != len(levels):
            raise ValueError("categories must not repeat a level")
        known = set(levels)
        for x, y in pairs:
            for value in (x, y):
                if value not in known:
                    raise ValueError(f"rating {value!r} is not one of the categories")
    else:
        levels = _ordered_levels((v for pair in pairs for v in pair), "ratings")
    if not pairs:
        return None

    return kappa_from_counts(Counter(pairs), categories=levels, weights=weights)


def kappa_from_counts(counts: Mapping[tuple[Any, Any], float], *, categories: Sequence[Any],
                      weights: str | None = None) -> float | None:
    """Cohen's kappa from a contingency table given as counts of rating pairs
    ``(a, b) -> how many items``, on the ordered scale ``categories`` (which must hold every
    rating). The same as ``cohen_kappa`` on the pairs spelled out, but in time proportional
    to the number of distinct pairs: the bootstrap in ``core.calibration`` calls it thousands
    of times. Returns ``None`` when nothing is counted or kappa is undefined."""
    if weights not in _KAPPA_WEIGHTS:
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    index = {level: i for i, level in enumerate(categories)}
    k = len(index)
    observed: list[list[float]] = [[0] * k for _ in range(k)]
    for (x, y), count in counts.items():
        try:
            observed[index[x]][index[y]] += count
        except KeyError:
            raise ValueError(f"rating pair {(x, y)!r} is not on the categories' scale") from None
    if not any(map(any, observed)):
        return None
    rows = [sum(row) for row in observed]
    cols = [sum(observed[i][j] for i in range(k)) for j in range(k)]

    def disagreement(i: int, j: int) -> int:
        # Integer disagreement weights: scaling them does not change kappa, so the
        # customary division by (k - 1) or (k - 1)^2 is left out and the sums stay exact.
        if weights is None:
            return int(i != j)
        if weights == "linear":
            return abs(i - j)
        return (i - j) ** 2

    n = sum(rows)
    observed_d = sum(disagreement(i, j) * observed[i][j] for i in range(k) for j in range(k))
    expected_d = sum(disagreement(i, j) * rows[i] * cols[j] for i in range(k) for j in range(k))
    if expected_d == 0:
        return None
    return 1.0 - n * observed_d / expected_d


def _unit_values(unit: Any, position: int) -> list:
    values: Iterable[Any]
    if isinstance(unit, Mapping):
        values = unit.values()
    elif isinstance(unit, (str, bytes)) or not isinstance(unit, Iterable):
        raise ValueError(f"unit {position} must be a list of ratings or a dict rater -> rating, "
                         f"not {type(unit).__name__}")
    else:
        values = unit
    return [v for v in values if not _missing(v)]


def krippendorff_alpha(data: Iterable[Sequence[Any] | Mapping[Any, Any]], *,
                       level: str = "interval") -> float | None:
    """Krippendorff's alpha over units (answers), each a list of the ratings it received
    (``None`` or NaN where a grader did not rate it) or a dict grader -> rating.

    Follows the coincidence-matrix computation of Krippendorff (2011), "Computing
    Krippendorff's Alpha-Reliability": alpha = 1 - D_o / D_e. Only the values in a unit
    matter, not which grader gave them, so units may have different lengths. Units with
    fewer than two ratings cannot be paired and are ignored. ``level`` is ``"nominal"``,
    ``"ordinal"``, ``"interval"`` or ``"ratio"`` (which need numbers, ratio non-negative ones;
    ordinal needs values that can be ordered).

    Returns ``None`` when alpha is undefined: no unit with two ratings, or every pairable
    rating is the same value (D_e = 0). Raises ``ValueError`` for an unknown level or a
    rating the level cannot use.
    """
    if level not in _ALPHA_LEVELS:
        raise ValueError(f"level must be one of {', '.join(_ALPHA_LEVELS)}, not {level!r}")

    coincidences: defaultdict[tuple[Any, Any], float] = defaultdict(float)
    for position, unit in enumerate(data):
        values = _unit_values(unit, position)
        if level in ("interval", "ratio"):
            for value in values:
                if not _is_number(value):
                    raise ValueError(f"{level} alpha needs numeric ratings, got {value!r} "
                                     f"in unit {position}")
                if level == "ratio" and value < 0:
                    raise ValueError(f"ratio alpha needs non-negative ratings, got {value!r} "
                                     f"in unit {position}")
        m = len(values)
        if m < 2:
            continue
        counts = Counter(values)
        for c, n_c in counts.items():
            for k, n_k in counts.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    coincidences[c, k] += pairs / (m - 1)

    if not coincidences:
        return None
    marginals: defaultdict[Any, float] = defaultdict(float)
    for (c, _k), o in coincidences.items():
        marginals[c] += o
    n = sum(marginals.values())
    values = _ordered_levels(marginals, "ordinal ratings") if level == "ordinal" \
        else list(marginals)
    delta = _difference(level, values, marginals)

    observed_d = sum(o * delta(c, k) for (c, k), o in coincidences.items())
    expected_d = sum(marginals[c] * marginals[k] * delta(c, k) for c in values for k in values)
    if expected_d == 0:
        return None
    return 1.0 - (n - 1) * observed_d / expected_d


def _difference(level: str, values: list, marginals: Mapping[Any, float]):
    """The squared difference function delta^2(c, k) of Krippendorff (2011) for ``level``."""
    if level == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if level == "interval":
        return lambda c, k: float(c - k) ** 2
    if level == "ratio":
        return lambda c, k: 0.0 if c == k else ((c - k) / (c + k)) ** 2
    # Ordinal: (sum of n_g for g from c to k) - (n_c + n_k) / 2, squared, over the ranks of
    # the values that occur; cumulative sums make each lookup constant time.
    rank = {value: i for i, value in enumerate(values)}
    cumulative = [0.0]
    for value in values:
        cumulative.append(cumulative[-1] + marginals[value])

    def ordinal(c: Any, k: Any) -> float:
        i, j = sorted((rank[c], rank[k]))
        between = cumulative[j + 1] - cumulative[i]
        return (between - (marginals[c] + marginals[k]) / 2) ** 2

    return ordinal
