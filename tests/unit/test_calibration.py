"""Drift flags from reference and peer comparisons (pure): enough marks, and a whole
interval past the limit."""
import pytest

from assess.core.calibration import TaskPair, standing


def _pair(own, other, levels_own=None, levels_other=None):
    return TaskPair(own, other, 4.0, levels_own or {"a": own / 2, "b": own / 2},
                    levels_other or {"a": other / 2, "b": other / 2})


def test_a_grader_on_the_references_is_not_flagged():
    refs = [_pair(4, 4), _pair(2, 2), _pair(0, 0), _pair(3, 2)]
    result = standing(1, refs, [])
    assert result.references == 4 and result.mean_deviation == 1 / 16
    assert result.kappa_reference > 0.8 and not result.flagged


def test_a_harsh_grader_is_flagged_with_reasons():
    refs = [_pair(0, 4), _pair(1, 4), _pair(0, 3), _pair(2, 4)] * 8  # 32 compared marks
    result = standing(1, refs, [])
    assert result.flagged
    assert any("away from the references" in reason for reason in result.reasons)


def test_too_few_comparisons_flag_nothing():
    assert not standing(1, [_pair(0, 4)], [_pair(4, 0)]).flagged


def test_disagreeing_with_peers_is_flagged():
    peers = [_pair(4, 0), _pair(0, 4), _pair(4, 0), _pair(0, 4)] * 8
    result = standing(1, [], peers)
    assert result.kappa_peers < 0 and result.flagged
    assert result.mean_deviation is None and result.kappa_reference is None


def _peer(own, other):
    return TaskPair(own, other, 4.0, {"a": own / 2, "b": own / 2},
                    {"a": other / 2, "b": other / 2})


def test_seven_exact_agreements_in_nine_flag_nobody_and_show_the_interval():
    peers = [_peer(4, 4)] * 4 + [_peer(2, 2)] * 3 + [_peer(4, 0), _peer(0, 4)]
    result = standing(1, [], peers)
    assert not result.flagged and not result.enough_peers
    assert (result.peers, result.peer.exact, result.min_marks) == (9, 7, 30)
    exact = result.peer.exact_interval  # Wilson, 7 of 9: 0.4526 to 0.9368 (by hand in
    assert (round(exact.low, 4), round(exact.high, 4)) == (0.4526, 0.9368)  # test_intervals)
    kappa = result.peer.kappa_interval
    assert kappa.method == "bootstrap" and kappa.low < result.kappa_peers < kappa.high


def test_enough_marks_but_an_interval_that_straddles_the_floor_flag_nobody():
    # κ = 0.29 is below the 0.40 floor, but 30 marks leave it anywhere from about −0.1 to 0.7.
    peers = ([_peer(4, 4)] * 10 + [_peer(2, 2)] * 5 + [_peer(0, 0)] * 3 + [_peer(4, 2)] * 4
             + [_peer(2, 4)] * 4 + [_peer(0, 4)] * 2 + [_peer(4, 0)] * 2)
    result = standing(1, [], peers)
    assert result.enough_peers and result.kappa_peers < 0.4
    assert result.peer.kappa_interval.low < 0.4 < result.peer.kappa_interval.high
    assert not result.flagged


def test_clear_drift_is_flagged_only_from_the_minimum_on():
    peers = [_peer(4, 0), _peer(0, 4), _peer(4, 0), _peer(0, 4), _peer(2, 2)] * 2  # 10 marks
    assert not standing(1, [], peers).flagged  # clear, but 10 of 30
    early = standing(1, [], peers, min_marks=10)
    assert early.flagged and early.peer.kappa_interval.high < 0.4
    assert "all below 0.40" in early.reasons[0] and "95% interval" in early.reasons[0]


def test_deviation_is_flagged_when_its_interval_lies_above_the_limit():
    harsh = [_pair(1, 4), _pair(2, 4), _pair(0, 2), _pair(3, 4), _pair(4, 4)] * 6  # 30 marks
    result = standing(1, harsh, [])
    assert result.mean_deviation == pytest.approx((0.75 + 0.5 + 0.5 + 0.25 + 0) / 5)
    assert result.reference.deviation_interval.low > 0.2
    assert any("away from the references" in reason for reason in result.reasons)
    mild = [_pair(3, 4), _pair(4, 4), _pair(2, 2), _pair(1, 2), _pair(4, 3)] * 6  # 15% off
    assert not any("away" in reason for reason in standing(1, mild, []).reasons)


def test_intervals_are_reproducible_and_follow_the_confidence():
    peers = [_peer(4, 4)] * 4 + [_peer(2, 2)] * 3 + [_peer(4, 0), _peer(0, 4)]
    assert standing(1, [], peers) == standing(1, [], peers)
    wide = standing(1, [], peers, confidence=0.99).peer.exact_interval
    narrow = standing(1, [], peers, confidence=0.8).peer.exact_interval
    assert wide.low < narrow.low and narrow.high < wide.high


def test_a_single_comparison_has_no_interval():
    result = standing(1, [_pair(4, 3)], [])
    assert result.reference.kappa_interval is None
    assert result.reference.deviation_interval is None
    assert result.reference.exact_interval is not None  # Wilson is defined for n = 1
