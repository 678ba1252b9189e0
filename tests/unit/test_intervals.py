"""Uncertainty intervals (pure): Wilson's score interval checked by hand and against
Newcombe (1998), the type-7 quantile, and the seeded percentile bootstrap."""
import math

import pytest

from assess.core.intervals import (
    Interval,
    bootstrap_interval,
    bootstrap_intervals,
    mean,
    quantile,
    wilson_interval,
    z_value,
)


def test_z_values_are_the_normal_quantiles():
    assert z_value(0.95) == pytest.approx(1.959964, abs=1e-6)
    assert z_value(0.90) == pytest.approx(1.644854, abs=1e-6)
    assert z_value(0.99) == pytest.approx(2.575829, abs=1e-6)
    for bad in (0, 1, 1.5, -0.1):
        with pytest.raises(ValueError):
            z_value(bad)


def test_wilson_seven_of_nine_by_hand():
    # p = 7/9 = 0.777778, z² = 3.841459, z²/n = 0.426829
    # centre = (p + z²/2n) / (1 + z²/n) = (0.777778 + 0.213414) / 1.426829 = 0.694683
    # half   = z / (1 + z²/n) · √(p(1−p)/n + z²/4n²)
    #        = 1.373651 · √(0.019204 + 0.011856) = 1.373651 · 0.176238 = 0.242088
    span = wilson_interval(7, 9)
    assert span.low == pytest.approx(0.694683 - 0.242088, abs=1e-5)  # 0.452595
    assert span.high == pytest.approx(0.694683 + 0.242088, abs=1e-5)  # 0.936771
    assert span.method == "wilson" and span.confidence == 0.95
    assert not span.below(0.45) and span.below(0.95) and span.above(0.45)


@pytest.mark.parametrize("successes, n, low, high", [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17, table II, method 3 (score interval without correction).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombes_table(successes, n, low, high):
    span = wilson_interval(successes, n)
    assert (round(span.low, 4), round(span.high, 4)) == (low, high)


def test_wilson_at_the_edges_keeps_inside_zero_and_one():
    # 0 of 10: [0, z²/(n + z²)] = [0, 3.841459 / 13.841459]; 10 of 10 mirrors it.
    none = wilson_interval(0, 10)
    assert none.low == 0.0 and none.high == pytest.approx(3.841459 / 13.841459, abs=1e-6)
    every = wilson_interval(10, 10)
    assert every.high == 1.0 and every.low == pytest.approx(10 / 13.841459, abs=1e-6)
    assert wilson_interval(0, 0) is None


def test_wilson_narrows_with_more_marks_and_widens_with_confidence():
    assert wilson_interval(70, 90).high - wilson_interval(70, 90).low < \
        wilson_interval(7, 9).high - wilson_interval(7, 9).low
    assert wilson_interval(7, 9, confidence=0.99).low < wilson_interval(7, 9).low


def test_wilson_refuses_impossible_counts():
    for successes, n in ((5, 4), (-1, 4), (0, -1)):
        with pytest.raises(ValueError):
            wilson_interval(successes, n)


def test_quantile_interpolates_like_type_7():
    values = [1.0, 2.0, 3.0, 4.0]
    assert quantile(values, 0) == 1.0 and quantile(values, 1) == 4.0
    assert quantile(values, 0.25) == 1.75  # position 0.75 between 1 and 2
    assert quantile(values, 0.5) == 2.5
    assert quantile([7.0], 0.3) == 7.0
    with pytest.raises(ValueError):
        quantile([], 0.5)


def test_bootstrap_of_identical_units_is_a_point():
    span = bootstrap_interval([0.3] * 12, mean)
    assert (span.low, span.high, span.method) == (0.3, 0.3, "bootstrap")


def test_bootstrap_of_two_units_by_hand():
    # Resamples of [0, 1] have means 0, ½, 1 with probability ¼, ½, ¼. The 2.5% and 97.5%
    # points are therefore 0 and 1; at 40% confidence (the 30% and 70% points) both are ½.
    assert (lambda s: (s.low, s.high))(bootstrap_interval([0.0, 1.0], mean,
                                                          resamples=4000)) == (0.0, 1.0)
    half = bootstrap_interval([0.0, 1.0], mean, resamples=4000, confidence=0.4)
    assert (half.low, half.high) == (0.5, 0.5)


def test_bootstrap_of_a_proportion_agrees_with_the_normal_approximation():
    units = [1.0] * 30 + [0.0] * 70
    span = bootstrap_interval(units, mean, resamples=4000)
    se = math.sqrt(0.3 * 0.7 / 100)
    assert span.low == pytest.approx(0.3 - 1.96 * se, abs=0.02)
    assert span.high == pytest.approx(0.3 + 1.96 * se, abs=0.02)


def test_bootstrap_is_seeded():
    units = [0.1, 0.5, 0.2, 0.9, 0.4, 0.4, 0.7]
    assert bootstrap_interval(units, mean) == bootstrap_interval(units, mean)
    assert bootstrap_interval(units, mean, seed=1) == bootstrap_interval(units, mean, seed=1)
    assert bootstrap_interval(units, mean, seed=1) != bootstrap_interval(units, mean, seed=2)


def test_undefined_resamples_are_dropped_or_counted_as_told():
    def only_mixed(resample):  # undefined unless both values were drawn
        return None if len(set(resample)) == 1 else 0.0
    units = [0.0, 1.0]
    assert bootstrap_interval(units, only_mixed, resamples=500) == \
        Interval(0.0, 0.0, 0.95, "bootstrap")
    counted = bootstrap_interval(units, only_mixed, resamples=500, undefined=1.0)
    assert (counted.low, counted.high) == (0.0, 1.0)  # half the resamples count as 1
    assert bootstrap_interval(units, lambda resample: None) is None
    assert bootstrap_interval([], mean) is None


def test_several_statistics_share_the_resamples():
    units = [0.0, 1.0, 1.0, 0.0, 1.0]
    both = bootstrap_intervals(units, {"mean": mean, "twice": lambda r: 2 * mean(r)})
    assert both["twice"].low == pytest.approx(2 * both["mean"].low)
    assert both["twice"].high == pytest.approx(2 * both["mean"].high)
    assert both["mean"] == bootstrap_interval(units, mean)


def test_bootstrap_refuses_nonsense():
    with pytest.raises(ValueError):
        bootstrap_interval([1.0], mean, resamples=0)
    with pytest.raises(ValueError):
        bootstrap_interval([1.0], mean, confidence=1.2)
