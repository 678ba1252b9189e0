"""Item analysis (``assess.core.item_analysis``): Moodle's quiz statistics, checked against
hand-computed small cases and a worked example whose expected numbers are worked out here
independently (by hand in the comments, and again with the ``statistics`` module and exact
fractions), following MoodleDocs, "Quiz statistics calculations"
(https://docs.moodle.org/dev/Quiz_statistics_calculations). Moodle shows shares × 100; the
code keeps fractions."""
from __future__ import annotations

import math
import statistics
from fractions import Fraction as F

import pytest

from assess.core import item_analysis as ia

# ---- the worked example ------------------------------------------------------------------------
# Five attempts, three parts: A (max 1), B (max 2), C (max 1); T_max = 4.
#
#   attempt   A   B   C   T
#   1         1   2   1   4
#   2         1   1   0   2
#   3         0   1   1   2
#   4         1   0   0   1
#   5         0   0   0   0
A = [1, 1, 0, 1, 0]
B = [2, 1, 1, 0, 0]
C = [1, 0, 1, 0, 0]
T = [a + b + c for a, b, c in zip(A, B, C)]
ROWS = [list(row) for row in zip(A, B, C)]


def worked():
    return ia.analyse(ia.dense(ROWS, [1, 2, 1], keys=["A", "B", "C"],
                               random_guess=[0.5, 0.25, None]))


def exact_variance(xs):
    """V(x) = 1/(S−1) Σ (x − x̄)², in exact fractions."""
    xs = [F(x) for x in xs]
    mean = sum(xs) / len(xs)
    return sum((x - mean) ** 2 for x in xs) / (len(xs) - 1)


def exact_covariance(xs, ys):
    """C(x, y) = 1/(S−1) Σ (x − x̄)(y − ȳ), in exact fractions."""
    xs, ys = [F(x) for x in xs], [F(y) for y in ys]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (len(xs) - 1)


def test_test_statistics_of_the_worked_example():
    test = worked().test
    assert test.n == 5 and test.max_total == 4
    # T̄ = 9/5 = 1.8; deviations 2.2, 0.2, 0.2, −0.8, −1.8; Σd² = 8.8.
    assert test.mean == pytest.approx(1.8)
    assert test.median == 2  # 0 1 [2] 2 4
    # SD = √(Σd²/(S−1)) = √(8.8/4) = √2.2
    assert test.sd == pytest.approx(math.sqrt(2.2))
    assert test.sd == pytest.approx(statistics.stdev(T))
    # m2 = 8.8/5 = 1.76; m3 = (10.648 + 0.008 + 0.008 − 0.512 − 5.832)/5 = 0.864;
    # m4 = (23.4256 + 0.0016 + 0.0016 + 0.4096 + 10.4976)/5 = 6.8672.
    # k2 = 5/4·1.76 = 2.2; k3 = 25/(4·3)·0.864 = 1.8; skewness = 1.8 / 2.2^1.5 ≈ 0.551618
    assert test.skewness == pytest.approx(1.8 / 2.2 ** 1.5)
    assert test.skewness == pytest.approx(0.551618, abs=1e-6)
    # k4 = 25/(4·3·2)·(6·6.8672 − 3·4·1.76²) = 25/24 · 4.032 = 4.2; kurtosis = 4.2/2.2² ≈ 0.867769
    assert test.kurtosis == pytest.approx(4.2 / 2.2 ** 2)
    # CIC = I/(I−1)·(1 − ΣV(x_i)/V(T)) with V(A) = 0.3, V(B) = 0.7, V(C) = 0.3, V(T) = 2.2:
    # 3/2 · (1 − 1.3/2.2) = 0.613636…
    assert exact_variance(A) + exact_variance(B) + exact_variance(C) == F(13, 10)
    cic = F(3, 2) * (1 - F(13, 10) / exact_variance(T))
    assert test.cic == pytest.approx(float(cic)) and test.cic == pytest.approx(0.6136364)
    # ER = √(1 − CIC); SEM = ER × SD
    assert test.error_ratio == pytest.approx(math.sqrt(1 - float(cic)))
    assert test.sem == pytest.approx(math.sqrt(1 - float(cic)) * math.sqrt(2.2))
    assert test.sem == pytest.approx(0.921954, abs=1e-6)
    assert test.components == 3
    assert test.share(test.mean) == pytest.approx(0.45)


def test_part_statistics_of_the_worked_example():
    a, b, c = worked().parts
    maxima = {"A": 1, "B": 2, "C": 1}
    for stat, xs in ((a, A), (b, B), (c, C)):
        top = maxima[stat.key]
        rest = [t - x for t, x in zip(T, xs)]  # X_i = T − x_i
        assert stat.n == 5
        # F_i = (x̄_i − x_i(min)) / (x_i(max) − x_i(min))
        assert stat.facility == pytest.approx(statistics.mean(xs) / top)
        # SD_i = √V(x_i) / (x_i(max) − x_i(min))
        assert stat.sd == pytest.approx(statistics.stdev(xs) / top)
        # IW_i = (x_i(max) − x_i(min)) / (T_max − T_min)
        assert stat.intended_weight == pytest.approx(top / 4)
        # D_i = r(x_i, X_i)
        assert stat.discrimination == pytest.approx(statistics.correlation(xs, rest))
        # DE_i = C(x_i, X_i) / C(sorted x_i, sorted X_i)
        assert stat.discriminative_efficiency == pytest.approx(float(
            exact_covariance(xs, rest) / exact_covariance(sorted(xs), sorted(rest))))
        assert stat.covariance_with_total == pytest.approx(float(exact_covariance(xs, T)))
    # By hand. A: F 0.6, SD √0.3, C(A, X) = 0.4/4 = 0.1, V(X) = 6.8/4 = 1.7,
    # D = 0.1/√(0.3·1.7) ≈ 0.140028, C_max = 2.4/4 = 0.6, DE = 1/6.
    assert (a.facility, a.intended_weight) == (pytest.approx(0.6), pytest.approx(0.25))
    assert a.sd == pytest.approx(math.sqrt(0.3))
    assert a.discrimination == pytest.approx(0.1 / math.sqrt(0.51))
    assert a.discriminative_efficiency == pytest.approx(1 / 6)
    # B: F 0.8/2 = 0.4, SD √0.7/2, C(B, X) = 0.5, V(X) = 0.5, D = 0.5/√0.35 ≈ 0.845154, DE = 1.
    assert b.facility == pytest.approx(0.4) and b.sd == pytest.approx(math.sqrt(0.7) / 2)
    assert b.discrimination == pytest.approx(0.845154, abs=1e-6)
    assert b.discriminative_efficiency == pytest.approx(1.0)
    # C: C(C, X) = 0.3, V(X) = 1.3, D = 0.3/√0.39 ≈ 0.480384, C_max = 0.55, DE = 6/11.
    assert c.discrimination == pytest.approx(0.480384, abs=1e-6)
    assert c.discriminative_efficiency == pytest.approx(6 / 11)
    # EW_i = √C(x_i, T) / Σ_j √C(x_j, T), C(A,T) = 0.4, C(B,T) = 1.2, C(C,T) = 0.6
    roots = [math.sqrt(0.4), math.sqrt(1.2), math.sqrt(0.6)]
    for stat, root in zip((a, b, c), roots):
        assert stat.effective_weight == pytest.approx(root / sum(roots))
    assert a.effective_weight == pytest.approx(0.252730, abs=1e-6)
    assert sum(s.effective_weight for s in (a, b, c)) == pytest.approx(1.0)
    # The random guess score is the item type's, passed through.
    assert (a.random_guess, b.random_guess, c.random_guess) == (0.5, 0.25, None)
    # Flags: A discriminates poorly (0.14 < 0.2); B and C are fine.
    assert a.flags == ("low_discrimination",) and b.flags == () and c.flags == ()


def test_covariances_with_the_total_add_up_to_its_variance():
    """Σ_i C(x_i, T) = V(T) when the parts sum to T: a check on the pieces EW is made of."""
    parts = worked().parts
    assert sum(p.covariance_with_total for p in parts) == pytest.approx(2.2)


# ---- small hand-computed cases ------------------------------------------------------------------

def test_facility_uses_the_minimum_mark_when_it_is_not_zero():
    # Marks −1..1 (negative marking): x̄ = 1/3, F = (1/3 + 1) / 2 = 2/3, SD = √1 / 2 = 0.5
    matrix = ia.Matrix([ia.PartScores("neg", [0, 1, 2], [1.0, 1.0, -1.0], 1.0, min_points=-1.0)],
                       totals=[1.0, 1.0, -1.0], total_max=1.0, total_min=-1.0)
    (stat,) = ia.part_statistics(matrix)
    assert stat.facility == pytest.approx(2 / 3)
    # V = ((2/3)² + (2/3)² + (4/3)²)/2 = (4/9 + 4/9 + 16/9)/2 = 4/3
    assert stat.sd == pytest.approx(math.sqrt(4 / 3) / 2)
    assert stat.intended_weight == pytest.approx(1.0)  # (1 − (−1)) / (1 − (−1))


def test_a_part_nobody_varies_on_has_no_discrimination():
    # Everyone scored 1 on P: V(P) = 0, so D and DE are undefined (Moodle leaves them empty).
    matrix = ia.dense([[1, 0], [1, 1], [1, 2]], [1, 2])
    fixed, varied = ia.part_statistics(matrix)
    assert fixed.facility == 1.0 and fixed.sd == 0.0
    assert fixed.discrimination is None and fixed.discriminative_efficiency is None
    assert fixed.flags == ("too_easy",)
    # C(P, T) = 0: √0 = 0, so its effective weight is 0 and Q takes all of it.
    assert fixed.effective_weight == 0.0 and varied.effective_weight == pytest.approx(1.0)
    # Q: X = T − Q = 1 for everyone: no rest-of-test variance, no D either.
    assert varied.discrimination is None


def test_a_part_that_goes_against_the_test_is_flagged_and_has_no_effective_weight():
    # P is answered right only by those who do worst on Q.
    #   P: 1 1 0 0   Q: 0 0 2 2   T: 1 1 2 2   X_P = Q
    matrix = ia.dense([[1, 0], [1, 0], [0, 2], [0, 2]], [1, 2])
    p, q = ia.part_statistics(matrix)
    assert p.discrimination == pytest.approx(-1.0)
    assert p.flags == ("negative_discrimination",)
    # C(P, T): P dev ±0.5, T dev ∓0.5 → Σ = −1, /3 → −1/3 < 0: no effective weight (Moodle's
    # negcovar), and it is left out of the denominator.
    assert p.covariance_with_total == pytest.approx(-1 / 3)
    assert p.effective_weight is None
    assert q.effective_weight == pytest.approx(1.0)
    # DE: C(P, X) = (0.5·−1 + 0.5·−1 − 0.5·1 − 0.5·1)/3 = −2/3; sorted, C_max = +2/3 → −1
    assert p.discriminative_efficiency == pytest.approx(-1.0)


def test_one_attempt_gives_means_but_no_spread():
    (stat,) = ia.part_statistics(ia.dense([[2]], [4]))
    assert stat.n == 1 and stat.facility == 0.5
    assert stat.sd is None and stat.discrimination is None and stat.effective_weight is None
    test = ia.test_statistics([2.0], 4.0)
    assert test.mean == 2 and test.median == 2 and test.sd is None and test.cic is None


def test_skewness_needs_three_attempts_and_kurtosis_four():
    three = ia.test_statistics([0.0, 1.0, 5.0], 5.0)
    # T̄ = 2; d = −2, −1, 3; m2 = 14/3, m3 = (−8 − 1 + 27)/3 = 6; k2 = 7; k3 = 9/2·6 = 27
    assert three.skewness == pytest.approx(27 / 7 ** 1.5)
    assert three.kurtosis is None
    four = ia.test_statistics([0.0, 0.0, 1.0, 3.0], 3.0)
    # T̄ = 1; d = −1, −1, 0, 2; m2 = 6/4, m4 = (1 + 1 + 0 + 16)/4 = 4.5; k2 = 2;
    # k4 = 16/(3·2·1)·(5·4.5 − 3·3·2.25) = 8/3 · 2.25 = 6; kurtosis = 6/4 = 1.5
    assert four.kurtosis == pytest.approx(1.5)
    assert four.median == 0.5  # mean of the two middle scores
    flat = ia.test_statistics([2.0, 2.0, 2.0, 2.0], 3.0)
    assert flat.sd == 0 and flat.skewness is None and flat.kurtosis is None and flat.cic is None


def test_cic_error_ratio_and_sem_by_hand():
    # Two parts, three attempts: P = 0 1 1, Q = 0 1 2, T = 0 2 3.
    # V(P) = 1/3, V(Q) = 1, V(T) = ((−5/3)² + (1/3)² + (4/3)²)/2 = 7/3
    # CIC = 2 · (1 − (4/3)/(7/3)) = 2 · 3/7 = 6/7; ER = √(1/7); SEM = ER · √(7/3) = √(1/3)
    test = ia.analyse(ia.dense([[0, 0], [1, 1], [1, 2]], [1, 2])).test
    assert test.cic == pytest.approx(6 / 7)
    assert test.error_ratio == pytest.approx(math.sqrt(1 / 7))
    assert test.sem == pytest.approx(math.sqrt(1 / 3))


def test_an_incomplete_matrix_has_no_cic_unless_given_its_components():
    # P was shown to attempts 0 and 1 only: the matrix is incomplete.
    matrix = ia.dense([[1, 1], [0, 1], [None, 0]], [1, 1])
    assert ia.analyse(matrix).test.cic is None
    # With slot columns (the item each attempt got in a slot), the CIC is over those.
    slots = [[1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
    test = ia.analyse(matrix, components=slots).test
    # T = 2 1 0: V(T) = 1; V(slot1) = 1/3, V(slot2) = 1/3; CIC = 2·(1 − 2/3) = 2/3
    assert test.cic == pytest.approx(2 / 3) and test.components == 2


def test_parts_shown_to_some_attempts_use_those_attempts_only():
    # Attempts 0–3; P shown to 0, 1, 3; Q to all. Totals are given.
    matrix = ia.Matrix([ia.PartScores("P", [0, 1, 3], [1.0, 0.0, 1.0], 1.0),
                        ia.PartScores("Q", [0, 1, 2, 3], [2.0, 1.0, 0.0, 1.0], 2.0)],
                       totals=[3.0, 1.0, 0.0, 2.0], total_max=[3.0, 3.0, 2.0, 3.0])
    p, q = ia.part_statistics(matrix)
    assert p.n == 3 and p.facility == pytest.approx(2 / 3)
    # D over attempts 0, 1, 3: P = 1 0 1, X = T − P = 2 1 1
    assert p.discrimination == pytest.approx(statistics.correlation([1, 0, 1], [2, 1, 1]))
    # IW: T_max over P's attempts is 3 → 1/3; over Q's, the mean (3+3+2+3)/4 = 2.75 → 2/2.75
    assert p.intended_weight == pytest.approx(1 / 3)
    assert q.intended_weight == pytest.approx(2 / 2.75)
    # EW: √C(P,T) over P's attempts and √C(Q,T) over all; each attempt's denominator sums the
    # roots of the parts it was shown, and a part's is the mean over its attempts.
    rp = math.sqrt(float(exact_covariance([1, 0, 1], [3, 1, 2])))
    rq = math.sqrt(float(exact_covariance([2, 1, 0, 1], [3, 1, 0, 2])))
    assert p.effective_weight == pytest.approx(rp / (rp + rq))
    assert q.effective_weight == pytest.approx(rq / ((3 * (rp + rq) + rq) / 4))


def test_a_maximum_that_varies_by_attempt_uses_its_mean():
    # A skill worth 2 points in one draw and 4 in another: F = x̄ / mean max = 1.5 / 3
    matrix = ia.Matrix([ia.PartScores("skill", [0, 1], [1.0, 2.0], [2.0, 4.0])],
                       totals=[3.0, 5.0], total_max=10.0)
    (stat,) = ia.part_statistics(matrix)
    assert stat.max_points == 3.0 and stat.facility == pytest.approx(0.5)
    assert stat.intended_weight == pytest.approx(0.3)


@pytest.mark.parametrize("facility, discrimination, flags", [
    (0.95, 0.5, ("too_easy",)),
    (0.9, 0.5, ()),  # exactly 0.9 is not above it
    (0.19, 0.5, ("too_hard",)),
    (0.2, 0.2, ()),  # exactly at both thresholds: fine
    (0.5, 0.1999, ("low_discrimination",)),
    (0.5, -0.05, ("negative_discrimination",)),
    (0.1, -0.3, ("too_hard", "negative_discrimination")),
    (None, None, ()),
])
def test_flags(facility, discrimination, flags):
    assert ia.flags_for(facility, discrimination) == flags


def test_the_plain_pass_agrees_with_the_analysis_on_facility_and_sd():
    matrix = ia.dense(ROWS, [1, 2, 1])
    plain = ia.facility_and_sd(matrix)
    for (facility, sd), stat in zip(plain, ia.part_statistics(matrix)):
        assert facility == pytest.approx(stat.facility) and sd == pytest.approx(stat.sd)


def test_rows_and_scores_must_line_up():
    with pytest.raises(ValueError):
        ia.part_statistics(ia.Matrix([ia.PartScores("P", [0, 1], [1.0], 1.0)], [1.0, 0.0], 1.0))


# ---- final rubric levels ----------------------------------------------------------------------

def test_final_levels_follow_how_the_task_was_resolved():
    one = {"decisive": 2.0, "clarity": 1.0}
    two = {"decisive": 1.0, "clarity": 1.0}
    assert ia.final_levels("single", [("independent", one)]) == one
    assert ia.final_levels("agreed", [("independent", one), ("independent", two)]) == \
        {"decisive": 1.5, "clarity": 1.0}
    lead = {"decisive": 0.0, "clarity": 0.0}
    assert ia.final_levels("adjudicated", [("independent", one), ("independent", two),
                                           ("adjudication", lead)]) == lead
    appeal = {"decisive": 2.0, "clarity": 2.0}
    assert ia.final_levels("appeal", [("independent", one), ("appeal", appeal)]) == appeal
    assert ia.final_levels(None, []) is None


# ---- distractors ------------------------------------------------------------------------------

def by_answer(picks, target=None):
    return {p.answer: p for p in picks if target is None or p.target == target}


CHOICE = {"type": "choice", "gold": "b",
          "options": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}


def test_choice_option_picks_with_the_mean_score_of_who_picked_them():
    shown = [ia.Shown({"selected": ["b"]}, score=0.9), ia.Shown({"selected": ["b"]}, score=0.7),
             ia.Shown({"selected": ["a"]}, score=0.3), ia.Shown(None, score=0.1)]
    picks = by_answer(ia.distractors(CHOICE, shown))
    assert [(a, p.count, p.correct) for a, p in picks.items()] == [
        ("a", 1, False), ("b", 2, True), ("c", 0, False), (ia.NO_ANSWER, 1, False)]
    assert picks["b"].share == 0.5 and picks["b"].mean_score == pytest.approx(0.8)
    assert picks["c"].mean_score is None and picks["b"].key == "b"


def test_multiple_choice_counts_each_ticked_option():
    content = {**CHOICE, "gold": ["a", "b"], "multiple": True}
    picks = by_answer(ia.distractors(content, [ia.Shown({"selected": ["a", "c"]}),
                                                ia.Shown({"selected": ["a", "b"]})]))
    assert (picks["a"].count, picks["b"].count, picks["c"].count) == (2, 1, 1)
    assert picks["a"].correct and picks["b"].correct and not picks["c"].correct
    assert picks["a"].key == "a, b"


PAIRWISE = {"type": "pairwise", "allow_equal": True, "gold": {"choice": "a", "strength": 3},
            "responses": [{"id": "a"}, {"id": "b"}]}


def test_pairwise_side_by_strength_and_position():
    shown = [ia.Shown({"choice": "a", "strength": 3}, {"order": ["a", "b"]}),
             ia.Shown({"choice": "a", "strength": 1}, {"order": ["b", "a"]}),
             ia.Shown({"choice": "b", "strength": 2}, {"order": ["b", "a"]}),
             ia.Shown({"choice": "equal"}, {"order": ["a", "b"]})]
    picks = ia.distractors(PAIRWISE, shown)
    sides = by_answer(picks, "side × strength")
    assert list(sides) == ["a · slightly", "a · clearly", "a · much", "b · slightly",
                           "b · clearly", "b · much", "equal", ia.NO_ANSWER]
    assert sides["a · much"].count == 1 and sides["a · much"].correct
    assert sides["a · slightly"].count == 1 and not sides["a · slightly"].correct
    assert sides["b · clearly"].count == 1 and sides["equal"].count == 1
    assert all(p.key == "a · much" for p in sides.values())
    position = by_answer(picks, "position")
    # a shown first and picked; a shown second and picked; b shown first and picked
    assert position["first shown"].count == 2 and position["second shown"].count == 1


def test_rubric_levels_against_the_gold_level_and_their_confusion_matrix():
    content = {"type": "rubric", "gold": {"acc": 3, "tone": 1},
               "dimensions": [{"id": "acc", "min": 1, "max": 3}, {"id": "tone", "min": 1,
                                                                 "max": 3}]}
    shown = [ia.Shown({"scores": {"acc": 3, "tone": 2}}), ia.Shown({"scores": {"acc": 2,
                                                                               "tone": 1}}),
             ia.Shown({"scores": {"acc": 3}})]
    picks = ia.distractors(content, shown)
    acc = by_answer(picks, "acc")
    assert [(a, p.count, p.correct) for a, p in acc.items()] == [
        ("1", 0, False), ("2", 1, False), ("3", 2, True), (ia.NO_ANSWER, 0, False)]
    assert by_answer(picks, "tone")[ia.NO_ANSWER].count == 1
    matrix = ia.confusion("acc", [p for p in picks if p.target == "acc"])
    assert matrix.labels == ("1", "2", "3")
    assert matrix.count("3", "3") == 2 and matrix.count("3", "2") == 1
    assert matrix.count("1", "1") == 0
    assert matrix.keys == ("3",)  # the only gold level answered: the one row worth showing


def test_factcheck_labels_against_gold_and_their_confusion_matrix():
    content = {"type": "factcheck", "gold": {"c1": "supported", "c2": "false"},
               "claims": [{"id": "c1"}, {"id": "c2"}]}
    shown = [ia.Shown({"labels": {"c1": "supported", "c2": "false"}}),
             ia.Shown({"labels": {"c1": "unsupported", "c2": "supported"}})]
    picks = ia.distractors(content, shown)
    assert by_answer(picks, "c2")["supported"].count == 1
    assert by_answer(picks, "c2")["false"].correct
    matrix = ia.confusion("claims", picks, ia.CLAIM_LABELS)
    assert matrix.labels == ia.CLAIM_LABELS
    assert [[matrix.count(g, c) for c in ia.CLAIM_LABELS] for g in ia.CLAIM_LABELS] == [
        [1, 1, 0],  # supported claims
        [0, 0, 0],  # unsupported
        [1, 0, 1],  # false
    ]


def test_labels_picked_against_gold_and_none_apply():
    content = {"type": "labels", "gold": ["x"], "options": [{"id": "x"}, {"id": "y"}]}
    shown = [ia.Shown({"labels": ["x", "y"]}), ia.Shown({"labels": []}), ia.Shown({})]
    picks = by_answer(ia.distractors(content, shown))
    assert (picks["x"].count, picks["y"].count) == (1, 1)
    assert picks["x"].correct and not picks["y"].correct
    assert picks[ia.NONE_APPLY].count == 1 and not picks[ia.NONE_APPLY].correct
    assert picks[ia.NO_ANSWER].count == 1


def test_ranking_places_against_gold_places_with_ties():
    content = {"type": "ranking", "gold": {"order": ["a", ["b", "c"]]},
               "responses": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}
    shown = [ia.Shown({"order": ["a", "c", "b"]}), ia.Shown({"order": ["b", "a", "c"]})]
    picks = ia.distractors(content, shown)
    b = by_answer(picks, "b")
    assert b["1"].count == 1 and not b["1"].correct and b["1"].key == "2–3"
    assert b["3"].count == 1 and b["3"].correct and b["2"].correct


def test_types_without_keyed_choices_have_no_distractors():
    assert ia.distractors({"type": "rewrite"}, [ia.Shown({"text": "..."})]) == []


def test_work_shared_between_matrices_changes_no_figure():
    """``Shared`` reuses each set of rows' totals and a column given twice (an item of one
    part is that part); the figures are those computed without it."""
    totals = [3.0, 1.5, 1.0, 0.0, 2.0]
    rows, points = [0, 1, 2, 3], [1.0, 1.0, 0.0, 0.0]
    item = ia.PartScores("item", rows, points, 1.0, random_guess=0.25)
    keyed = ia.PartScores("keyed", rows, points, 1.0, random_guess=0.25)  # the same lists
    other = ia.PartScores("other", [0, 1, 4], [1.0, 0.5, 2.0], 2.0)
    alone = ia.part_statistics(ia.Matrix([item, other], totals, 4.0))
    shared = ia.Shared()
    assert ia.part_statistics(ia.Matrix([item, other], totals, 4.0), shared=shared) == alone
    again = ia.part_statistics(ia.Matrix([keyed, other], totals, 4.0), shared=shared)
    assert [(s.n, s.facility, s.discrimination, s.discriminative_efficiency,
             s.effective_weight) for s in again] == [
        (s.n, s.facility, s.discrimination, s.discriminative_efficiency, s.effective_weight)
        for s in alone]
    other_totals = [t + 1 for t in totals]  # other totals: nothing is reused
    moved = ia.part_statistics(ia.Matrix([item], other_totals, 5.0), shared=shared)
    assert moved == ia.part_statistics(ia.Matrix([item], other_totals, 5.0))
