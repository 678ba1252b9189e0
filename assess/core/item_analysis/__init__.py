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

The modules: ``matrix`` (the attempts × parts matrix and the statistics' records),
``statistics`` (the formulas above), ``levels`` (the per-criterion levels behind a final human
grade) and ``picks``, distractor analysis (what was picked against the key): ``Shown``
responses are counted in a ``Tally`` into ``Pick`` rows by each item type's own
``ItemType.distractors``, pure functions of the stored answers and presentations;
``distractors`` asks the item's type. Import everything from this package.

Pure: no Flask, no database, no clock. ``math`` and the standard library only: one pass of a
few C-level builtins (``sum``, ``map``, ``sorted``) per part, so a million responses take well
under the 5 s budget without numpy (see ``bench/item_analysis.py``).
"""
from __future__ import annotations

from typing import Any

from .levels import final_levels
from .matrix import Analysis, Matrix, PartScores, PartStats, TestStats, dense
from .picks import (
    NO_ANSWER,
    NONE_APPLY,
    Confusion,
    ConfusionKey,
    Pick,
    Shown,
    Tally,
    confusion,
    distractors,
)
from .statistics import (
    FLAG_LABELS,
    LOW_DISCRIMINATION,
    SOURCE,
    TOO_EASY,
    TOO_HARD,
    Shared,
    analyse,
    facility_and_sd,
    flags_for,
    median,
    part_statistics,
    test_statistics,
)

__all__ = ["FLAG_LABELS", "LOW_DISCRIMINATION", "NONE_APPLY", "NO_ANSWER", "SOURCE", "TOO_EASY",
           "TOO_HARD", "Analysis", "Confusion", "ConfusionKey", "Matrix", "PartScores",
           "PartStats", "Pick", "Shared", "Shown", "Tally", "TestStats", "analyse", "confusion",
           "dense", "distractors", "facility_and_sd", "final_levels", "flags_for", "median",
           "part_statistics", "test_statistics"]


def __getattr__(name: str) -> Any:
    """``DISTRACTORS``: type name -> its distractor function, for every type that has a
    table; ``CLAIM_LABELS``: the fact-check labels (the fact-check type's own). Both are kept
    for callers written before types carried their distractor tables (ask the type)."""
    if name == "DISTRACTORS":
        from ...items import all_types
        return {type_name: kind.distractors for type_name, kind in all_types().items()
                if kind.has_distractors}
    if name == "CLAIM_LABELS":
        from ...items.factcheck import LABELS
        return LABELS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
