"""Inter-rater agreement (assess.core.agreement) against published worked examples, fixed
cross-checks against reference packages, and the edge cases the docstrings promise."""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from assess.core import agreement
from assess.core.agreement import cohen_kappa, krippendorff_alpha

X = None  # a grader who did not rate that answer


def pairs_to_lists(cells):
    """[(rating_a, rating_b, count), ...] -> two paired rating lists."""
    a, b = [], []
    for x, y, count in cells:
        a += [x] * count
        b += [y] * count
    return a, b


# --------------------------------------------------------------------------------------------
# Purity: standard library only, importable without numpy, Flask or SQLAlchemy
# --------------------------------------------------------------------------------------------

def test_module_imports_only_the_standard_library():
    tree = ast.parse(Path(agreement.__file__).read_text())
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports: the module stands alone"
            roots.add(node.module.split(".")[0])
    assert roots - {"__future__"} <= set(sys.stdlib_module_names), roots


def test_importing_it_pulls_in_no_heavy_packages():
    code = ("import sys\nimport assess.core.agreement\n"
            "bad = sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'scipy', 'sklearn', "
            "'flask', 'sqlalchemy', 'werkzeug', 'flask_sqlalchemy'})\nprint(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""


# --------------------------------------------------------------------------------------------
# Cohen's kappa: published examples
# --------------------------------------------------------------------------------------------

def test_kappa_wikipedia_grant_proposals_example():
    # Wikipedia, "Cohen's kappa", worked example (also in the tutorialspoint/howcodex
    # "Cohen's Kappa Coefficient" problem): 50 grant proposals, readers A and B say yes/no.
    # Both yes 20, A yes & B no 5, A no & B yes 10, both no 15: p_o = 0.70, p_e = 0.50,
    # kappa = 0.4.
    a, b = pairs_to_lists([("yes", "yes", 20), ("yes", "no", 5), ("no", "yes", 10),
                           ("no", "no", 15)])
    assert cohen_kappa(a, b) == pytest.approx(0.4, abs=5e-4)
    a01, b01 = pairs_to_lists([(1, 1, 20), (1, 0, 5), (0, 1, 10), (0, 0, 15)])
    assert cohen_kappa(a01, b01) == pytest.approx(0.4, abs=1e-12)


# Gwet, K.L. (2014) Handbook of Inter-Rater Reliability, 4th ed.: 100 pregnant women
# classified by two abstractors as Ectopic / Abnormal intrauterine (AIU) / Normal
# intrauterine (NIU). Shipped as `cont3x3abstractors` in Gwet's irrCAC R package, whose
# documented output is Cohen's kappa 0.7964094 and, with quadratic.weights(1:3), weighted
# kappa 0.8921569 (irrCAC README and the kappa2.table example). Rows abstractor 1, columns
# abstractor 2:        Ectopic AIU NIU
#             Ectopic       13   0   0
#             AIU            0  20   7
#             NIU            0   4  56
ABSTRACTORS = pairs_to_lists([(1, 1, 13), (2, 2, 20), (2, 3, 7), (3, 2, 4), (3, 3, 56)])


def test_kappa_gwet_abstractors_unweighted():
    assert cohen_kappa(*ABSTRACTORS) == pytest.approx(0.796, abs=5e-4)
    assert cohen_kappa(*ABSTRACTORS) == pytest.approx(0.7964094, abs=1e-7)


def test_kappa_gwet_abstractors_quadratic():
    assert cohen_kappa(*ABSTRACTORS, weights="quadratic") == pytest.approx(0.892, abs=5e-4)
    assert cohen_kappa(*ABSTRACTORS, weights="quadratic") == pytest.approx(0.8921569, abs=1e-7)


def test_kappa_gwet_abstractors_linear_by_hand():
    # No published linear value; by hand with agreement weights 1, 1/2, 0:
    # p_o = (89 + 11/2) / 100 = 0.945; p_e = 0.4597 + (0.0312 + 0.0351 + 0.1701 + 0.144) / 2
    # = 0.6499; kappa = (0.945 - 0.6499) / (1 - 0.6499).
    expected = (0.945 - 0.6499) / (1 - 0.6499)
    assert cohen_kappa(*ABSTRACTORS, weights="linear") == pytest.approx(expected, abs=1e-12)


# --------------------------------------------------------------------------------------------
# Cohen's kappa: fixed cross-checks against scikit-learn 1.9.1 (sklearn.metrics.
# cohen_kappa_score, same weights; for the half-point scale sklearn was given each level's
# index with labels=range(5), since it rejects float labels). Several thousand random cases
# agreed to 1e-9 as well; these few are kept as regressions.
# --------------------------------------------------------------------------------------------

RUBRIC_A = [4, 3, 2, 4, 0, 1, 3, 3, 2, 4, 1, 0, 2, 3, 4, 2, 1, 3, 4, 2]
RUBRIC_B = [4, 2, 2, 3, 1, 1, 3, 4, 2, 4, 0, 0, 3, 3, 4, 1, 2, 3, 3, 2]


@pytest.mark.parametrize("weights, expected", [
    (None, 0.423076923076923),
    ("linear", 0.6797153024911032),
    ("quadratic", 0.8580441640378549),
])
def test_kappa_matches_sklearn_on_rubric_points(weights, expected):
    assert cohen_kappa(RUBRIC_A, RUBRIC_B, weights=weights) == pytest.approx(expected, abs=1e-9)


HALF_SCALE = [0, 0.5, 1, 1.5, 2]  # nobody used 1.5
HALF_A = [0, 0.5, 1, 2, 2, 1, 0.5, 0, 1, 2, 1, 0.5]
HALF_B = [0, 1, 1, 2, 1, 1, 0, 0.5, 1, 2, 2, 0.5]


@pytest.mark.parametrize("weights, with_scale, without_scale", [
    (None, 0.4285714285714286, 0.4285714285714286),
    ("linear", 0.6111111111111112, 0.6296296296296297),
    ("quadratic", 0.7555555555555555, 0.8),
])
def test_kappa_unused_levels_of_the_scale_count_for_weights(weights, with_scale, without_scale):
    assert cohen_kappa(HALF_A, HALF_B, categories=HALF_SCALE, weights=weights) == \
        pytest.approx(with_scale, abs=1e-9)
    assert cohen_kappa(HALF_A, HALF_B, weights=weights) == pytest.approx(without_scale, abs=1e-9)


@pytest.mark.parametrize("weights, expected", [
    (None, 0.423076923076923),
    ("linear", 0.6797153024911032),
    ("quadratic", 0.8580441640378549),
])
def test_kappa_from_counts_is_kappa_on_the_pairs_spelled_out(weights, expected):
    from collections import Counter
    counts = Counter(zip(RUBRIC_A, RUBRIC_B))
    assert agreement.kappa_from_counts(counts, categories=[0, 1, 2, 3, 4], weights=weights) \
        == pytest.approx(expected, abs=1e-9)
    doubled = {pair: 2 * n for pair, n in counts.items()}  # the same shares, twice the items
    assert agreement.kappa_from_counts(doubled, categories=[0, 1, 2, 3, 4], weights=weights) \
        == pytest.approx(expected, abs=1e-9)
    assert agreement.kappa_from_counts({}, categories=[0, 1], weights=weights) is None
    with pytest.raises(ValueError):
        agreement.kappa_from_counts({(0, 9): 1}, categories=[0, 1], weights=weights)


# --------------------------------------------------------------------------------------------
# Cohen's kappa: edge cases
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_perfect_agreement_is_one(weights):
    marks = [0, 1, 2, 3, 2, 1, 0.5]
    assert cohen_kappa(marks, list(marks), weights=weights) == 1.0


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_systematic_disagreement_is_negative(weights):
    assert cohen_kappa([0, 1, 0, 1, 0, 1], [1, 0, 1, 0, 1, 0], weights=weights) == \
        pytest.approx(-1.0)
    assert cohen_kappa([0, 1, 3, 4], [4, 3, 1, 0], weights=weights) < 0


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_is_symmetric(weights):
    assert cohen_kappa(RUBRIC_A, RUBRIC_B, weights=weights) == \
        pytest.approx(cohen_kappa(RUBRIC_B, RUBRIC_A, weights=weights), abs=1e-15)


def test_kappa_drops_pairs_with_a_missing_rating():
    a = RUBRIC_A + [X, 3, X, float("nan")]
    b = RUBRIC_B + [2, X, X, 4]
    for weights in (None, "quadratic"):
        assert cohen_kappa(a, b, weights=weights) == \
            pytest.approx(cohen_kappa(RUBRIC_A, RUBRIC_B, weights=weights), abs=1e-15)


def test_kappa_mismatched_lengths_raise():
    with pytest.raises(ValueError, match="a has 3 ratings but b has 2"):
        cohen_kappa([1, 2, 3], [1, 2])


def test_kappa_no_complete_pair_is_undefined():
    assert cohen_kappa([], []) is None
    assert cohen_kappa([1, X, 2], [X, 3, X], weights="quadratic") is None


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_both_graders_constant_and_identical_is_undefined(weights):
    # Chance alone predicts the agreement exactly (p_e = 1): 0/0, so None, not 1.0. A wider
    # scale does not change that: no grader used any other level.
    assert cohen_kappa([3, 3, 3, 3], [3, 3, 3, 3], weights=weights) is None
    assert cohen_kappa([3, 3, 3], [3, 3, 3], categories=[0, 1, 2, 3], weights=weights) is None


def test_kappa_one_grader_constant_is_zero_not_undefined():
    # The other grader varies, so chance agreement is below one and kappa is defined.
    assert cohen_kappa([2, 2, 2, 2], [1, 2, 2, 3]) == pytest.approx(0.0)
    assert cohen_kappa([2, 2, 2, 2], [1, 2, 2, 3], weights="quadratic") == pytest.approx(0.0)


def test_kappa_rejects_unknown_weights():
    with pytest.raises(ValueError, match="weights must be"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")


def test_kappa_rejects_a_rating_outside_the_categories():
    with pytest.raises(ValueError, match="rating 5 is not one of the categories"):
        cohen_kappa([1, 2, 5], [1, 2, 3], categories=[1, 2, 3])


def test_kappa_rejects_repeated_categories():
    with pytest.raises(ValueError, match="must not repeat"):
        cohen_kappa([1, 2], [1, 2], categories=[1, 2, 2])


def test_kappa_unorderable_ratings_need_categories():
    with pytest.raises(ValueError, match="pass `categories`"):
        cohen_kappa([1, "a"], [1, "a"], weights="linear")
    assert cohen_kappa([1, "a", 1], [1, "a", "a"], categories=[1, "a"]) == \
        pytest.approx(cohen_kappa([0, 1, 0], [0, 1, 1]))


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha: published examples
# --------------------------------------------------------------------------------------------

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania (repository.upenn.edu/asc_papers/43): the
# 4 observers x 12 units reliability data matrix with missing data, rows A, B, C, D.
# Published alphas: nominal .743, ordinal .815, interval .849, ratio .797. (The matrix and
# values are as reproduced in the test suites of the `krippendorff` PyPI package and of the
# krippendorff R package, and in Gwet's irrCAC README as `cac.raw4raters`, nominal 0.74342.)
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, X, X, X],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, X, 3],
    "C": [X, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, X],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, X],
}
UNITS_2011 = [list(unit) for unit in zip(*KRIPPENDORFF_2011.values())]


@pytest.mark.parametrize("level, expected", [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797),
])
def test_alpha_krippendorff_2011_four_observers(level, expected):
    assert krippendorff_alpha(UNITS_2011, level=level) == pytest.approx(expected, abs=5e-4)


def test_alpha_accepts_dict_units():
    units = [{rater: KRIPPENDORFF_2011[rater][u] for rater in "ABCD"} for u in range(12)]
    for level in ("nominal", "ordinal", "interval", "ratio"):
        assert krippendorff_alpha(units, level=level) == \
            pytest.approx(krippendorff_alpha(UNITS_2011, level=level), abs=1e-15)


def test_alpha_ignores_missing_entries_in_dicts_and_rater_order():
    units = [{"A": 1, "B": 1}, {"B": 2, "A": 2, "C": None}, {"C": 3, "A": 1}, {"A": 2}]
    assert krippendorff_alpha(units, level="nominal") == \
        pytest.approx(krippendorff_alpha([[1, 1], [2, 2], [1, 3]], level="nominal"), abs=1e-15)


# Wikipedia, "Krippendorff's alpha", section "A computational example" (from Krippendorff's
# Content Analysis): 3 coders x 15 units with missing values; alpha_nominal = 0.691 and
# alpha_interval = 0.811. (Exact values 0.691358 and 0.810845 as in the `krippendorff`
# package's tests.)
WIKIPEDIA_3_CODERS = [
    [X, X, X, X, X, 3, 4, 1, 2, 1, 1, 3, 3, X, 3],
    [1, X, 2, 1, 3, 3, 4, 3, X, X, X, X, X, X, X],
    [X, X, 2, 1, 3, 4, 4, X, 2, 1, 1, 3, 3, X, 4],
]
UNITS_WIKIPEDIA = [list(unit) for unit in zip(*WIKIPEDIA_3_CODERS)]


@pytest.mark.parametrize("level, expected, exact", [
    ("nominal", 0.691, 0.691358), ("interval", 0.811, 0.810845),
])
def test_alpha_wikipedia_computational_example(level, expected, exact):
    value = krippendorff_alpha(UNITS_WIKIPEDIA, level=level)
    assert value == pytest.approx(expected, abs=5e-4)
    assert value == pytest.approx(exact, abs=5e-7)


def test_alpha_two_observers_binary_example():
    # Krippendorff (2004) Content Analysis, 2nd ed., section 11.3.1 (two observers, Jon and Han,
    # mark 10 newspaper articles 0/1; the same counts as the binary example of Krippendorff
    # 2011): o_00 = 10, o_01 = o_10 = 4, o_11 = 2, n_0 = 14, n_1 = 6, n = 20, so
    # alpha = 1 - (n - 1) * o_01 / (n_0 * n_1) = 1 - 19 * 4 / 84 = 0.095.
    jon = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    han = [0, 1, 1, 0, 0, 1, 0, 1, 0, 0]
    value = krippendorff_alpha([list(unit) for unit in zip(jon, han)], level="nominal")
    assert value == pytest.approx(0.095, abs=5e-4)
    assert value == pytest.approx(1 - 19 * 4 / 84, abs=1e-12)


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha: fixed cross-checks against the `krippendorff` PyPI package 0.9.0
# (krippendorff.alpha(reliability_data=..., level_of_measurement=...), NaN for missing).
# About 1,500 random matrices (2-6 graders, up to 30 units, up to half missing, integer and
# half-point scales) agreed to 1e-9 at every level; these two are kept as regressions.
# --------------------------------------------------------------------------------------------

THREE_GRADERS = [  # rows are graders, columns answers
    [1, 2, 3, 3, X, 5, 4, 2, 1, X],
    [1, 3, 3, 4, 2, 5, X, 2, 2, 4],
    [X, 2, 4, 3, 2, 4, 4, X, 1, 5],
]
FIVE_GRADERS_SPARSE = [
    [0, 1.5, X, 3, X, 2, 0.5, X],
    [0.5, 1.5, 2, X, 1, X, 0.5, 3],
    [X, 1, 2, 3, 1, 2.5, X, 3],
    [0, X, 2.5, 2.5, X, 2, 0, X],
    [X, 1.5, X, X, 1.5, X, X, 2.5],
]


@pytest.mark.parametrize("matrix, level, expected", [
    (THREE_GRADERS, "nominal", 0.41224489795918373),
    (THREE_GRADERS, "ordinal", 0.8702545454545454),
    (THREE_GRADERS, "interval", 0.8582677165354331),
    (THREE_GRADERS, "ratio", 0.8460977776793245),
    (FIVE_GRADERS_SPARSE, "nominal", 0.2808988764044944),
    (FIVE_GRADERS_SPARSE, "ordinal", 0.9197488226059655),
    (FIVE_GRADERS_SPARSE, "interval", 0.9204639602319802),
    (FIVE_GRADERS_SPARSE, "ratio", 0.4744428340850324),
], ids=lambda v: v if isinstance(v, str) else None)
def test_alpha_matches_the_krippendorff_package(matrix, level, expected):
    units = [list(unit) for unit in zip(*matrix)]
    assert krippendorff_alpha(units, level=level) == pytest.approx(expected, abs=1e-9)


# --------------------------------------------------------------------------------------------
# Krippendorff's alpha: edge cases
# --------------------------------------------------------------------------------------------

LEVELS = ["nominal", "ordinal", "interval", "ratio"]


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_perfect_agreement_is_one(level):
    units = [[1, 1, 1], [2, 2, X], [3, 3, 3], [0.5, X, 0.5], [4, 4, 4]]
    assert krippendorff_alpha(units, level=level) == 1.0


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_systematic_disagreement_is_negative(level):
    units = [[1, 2], [2, 1], [1, 2], [2, 1]]
    assert krippendorff_alpha(units, level=level) < 0
    # Nominal by hand: o_12 = o_21 = 4, n_1 = n_2 = 4, n = 8: 1 - 7 * 8 / 32 = -0.75.
    if level == "nominal":
        assert krippendorff_alpha(units, level=level) == pytest.approx(-0.75)


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_ignores_units_with_fewer_than_two_ratings(level):
    padded = UNITS_2011 + [[X, 5, X, X], [X, X, X, X], [1], [], {"A": 2}, {}]
    assert krippendorff_alpha(padded, level=level) == \
        pytest.approx(krippendorff_alpha(UNITS_2011, level=level), abs=1e-15)


def test_alpha_nan_counts_as_missing():
    units = [[v if v is not None else float("nan") for v in unit] for unit in UNITS_2011]
    assert krippendorff_alpha(units, level="interval") == \
        pytest.approx(krippendorff_alpha(UNITS_2011, level="interval"), abs=1e-15)


def test_alpha_levels_give_different_values_on_ordered_data():
    # The levels must actually differ on ordered data, or the difference function is ignored.
    values = {level: round(krippendorff_alpha(UNITS_2011, level=level), 6) for level in LEVELS}
    assert len(set(values.values())) == 4


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_with_no_pairable_unit_is_undefined(level):
    assert krippendorff_alpha([], level=level) is None
    assert krippendorff_alpha([[1, X], [X, 2], [3]], level=level) is None


@pytest.mark.parametrize("level", LEVELS)
def test_alpha_with_a_single_value_throughout_is_undefined(level):
    # D_e = 0: every pairable rating is the same, so agreement cannot be told from chance.
    assert krippendorff_alpha([[2, 2], [2, 2, 2], [2, X], [5]], level=level) is None


def test_alpha_nominal_accepts_labels():
    units = [["pass", "pass"], ["fail", "pass"], ["fail", "fail"], ["pass", "pass"]]
    as_numbers = [[1, 1], [0, 1], [0, 0], [1, 1]]
    assert krippendorff_alpha(units, level="nominal") == \
        pytest.approx(krippendorff_alpha(as_numbers, level="nominal"), abs=1e-15)


def test_alpha_rejects_unknown_level():
    with pytest.raises(ValueError, match="level must be one of"):
        krippendorff_alpha(UNITS_2011, level="circular")


@pytest.mark.parametrize("level", ["interval", "ratio"])
def test_alpha_numeric_levels_reject_labels(level):
    with pytest.raises(ValueError, match="needs numeric ratings"):
        krippendorff_alpha([["a", "b"], ["a", "a"]], level=level)


def test_alpha_ratio_rejects_negative_ratings():
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha([[1, -1], [2, 2]], level="ratio")


def test_alpha_ratio_handles_zero():
    assert krippendorff_alpha([[0, 0], [1, 1], [2, 2]], level="ratio") == 1.0


def test_alpha_rejects_a_unit_that_is_not_a_list_or_dict():
    with pytest.raises(ValueError, match="unit 1 must be a list of ratings"):
        krippendorff_alpha([[1, 2], 3], level="nominal")


def test_alpha_default_level_is_interval():
    assert krippendorff_alpha(UNITS_2011) == krippendorff_alpha(UNITS_2011, level="interval")


def test_alpha_gwet_abstractors_two_complete_graders():
    # Gwet's irrCAC README: krippen2.table(cont3x3abstractors) gives Krippendorff's alpha
    # 0.7972585 for the abstractors table above (two graders, nothing missing, nominal).
    units = [list(pair) for pair in zip(*ABSTRACTORS)]
    assert krippendorff_alpha(units, level="nominal") == pytest.approx(0.7972585, abs=1e-7)
