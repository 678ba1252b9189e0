"""Drift flags from reference and peer comparisons (pure)."""
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
    refs = [_pair(0, 4), _pair(1, 4), _pair(0, 3), _pair(2, 4)]
    result = standing(1, refs, [])
    assert result.flagged
    assert any("away from the references" in reason for reason in result.reasons)


def test_too_few_comparisons_flag_nothing():
    assert not standing(1, [_pair(0, 4)], [_pair(4, 0)]).flagged


def test_disagreeing_with_peers_is_flagged():
    peers = [_pair(4, 0), _pair(0, 4), _pair(4, 0), _pair(0, 4)]
    result = standing(1, [], peers)
    assert result.kappa_peers < 0 and result.flagged
    assert result.mean_deviation is None and result.kappa_reference is None
