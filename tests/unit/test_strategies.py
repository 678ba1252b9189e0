"""The strategy simulation: equal forms, the keyed gate, shortcuts held to the bar, KR-20.

The last test runs it on every shipped blueprint, as ``banks validate --strict`` does."""
from __future__ import annotations

import os

import pytest
from helpers import SHIPPED_BANKS

from assess.core.scoring import (
    ItemScore,
    PartScore,
    TierRule,
    Weights,
    check_rule,
    decide_tier,
    score,
)
from assess.core.strategies import (
    Profile,
    SimItem,
    SimOutcome,
    SimSection,
    cronbach_alpha,
    simulate,
)

WEIGHTS = Weights({"keyed": 0.6, "written": 0.4})


def item(position, section, auto, written=None, written_max=6.0):
    parts = [PartScore("auto", auto, 1.0)]
    if written is not None:
        parts.append(PartScore("justification", written, written_max))
    return ItemScore(position, section, ("judgment",), tuple(parts))


def test_weights_make_every_draw_weigh_each_part_the_same():
    # Two draws, identical performance: every key right, every justification at half marks;
    # the second draw happens to carry three written parts (two of a bigger rubric) to one.
    one = score([item(1, "a", 1.0, 3.0), item(2, "a", 1.0), item(3, "b", 1.0)], WEIGHTS)
    two = score([item(1, "a", 1.0, 3.0), item(2, "a", 1.0, 4.0, 8.0), item(3, "b", 1.0, 5.0,
                                                                           10.0)], WEIGHTS)
    assert one.overall == two.overall == pytest.approx(0.6 * 1.0 + 0.4 * 0.5)
    # Summing points instead, the same performance scores differently by draw.
    assert score(one_items := [item(1, "a", 1.0, 3.0), item(2, "a", 1.0)]).overall != \
        score(one_items + [item(3, "b", 1.0, 5.0, 10.0)]).overall
    assert one.by_part["keyed"].share == 1.0 and two.by_part["written"].share == 0.5


def test_section_weights_apply_within_the_keyed_part():
    weights = Weights({"keyed": 1.0}, {"a": 3.0, "b": 1.0})
    scored = score([item(1, "a", 1.0), item(2, "a", 0.0), item(3, "b", 1.0)], weights)
    # section a: mean 0.5, weight 3; section b: mean 1.0, weight 1
    assert scored.overall == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)


def test_every_tier_can_require_a_minimum_on_the_keyed_part():
    rule = TierRule("generalist", "Generalist", 1, min_overall=0.6, min_parts={"keyed": 0.7})
    writer = score([item(1, "a", 0.0, 6.0), item(2, "a", 1.0, 6.0)], WEIGHTS)  # keyed 50%
    assert writer.overall == pytest.approx(0.7)
    outcome = check_rule(writer, rule, (), {}, None)
    assert not outcome.met
    assert [c.reason for c in outcome.unmet] == ["Keyed judgment 50% — needs 70%"]
    judge = score([item(1, "a", 1.0, 3.0), item(2, "a", 1.0, 3.0)], WEIGHTS)
    assert decide_tier(judge, [rule], (), {}, None).tier == rule


def test_cronbach_alpha_by_hand():
    rows = [[1, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 0]]
    # item variances 3/16, 1/4, 3/16 → 5/8; totals 3,2,1,0 → variance 5/4; α = 3/2 · (1 − 1/2)
    assert cronbach_alpha(rows) == pytest.approx(0.75)
    assert cronbach_alpha([[1, 0]]) is None


def _pool(n, keyed_by_strategy):
    return tuple(SimItem(key=i, type="choice", skills=("judgment",), auto_max=1.0,
                         slots=(("justification", 6.0),),
                         outcomes={name: (SimOutcome(share, frozenset({0})),)
                                   for name, share in keyed_by_strategy.items()})
                 for i in range(n))


def test_a_shortcut_that_leaks_the_key_is_flagged():
    rules = [TierRule("generalist", "Generalist", 1, min_overall=0.6, min_parts={"keyed": 0.6})]
    leaky = [SimSection("s", 5, _pool(8, {"gold": 1.0, "random": 0.25, "longest": 0.9}))]
    profiles = [Profile("longest, middle", "longest", 0.5, shortcut=True),
                Profile("knows every key, middle", "gold", 0.5)]
    report = simulate(leaky, WEIGHTS, rules, profiles, draws=200, kr20_draws=0)
    assert report.results[0].any_tier == 1.0
    assert any("'longest'" in p for p in report.problems())
    sound = [SimSection("s", 5, _pool(8, {"gold": 1.0, "random": 0.25, "longest": 0.3}))]
    report = simulate(sound, WEIGHTS, rules, profiles, draws=200, kr20_draws=0)
    assert report.results[0].any_tier == 0.0 and report.results[1].disagreement == 0.0
    assert report.problems() == []


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL")),
                    reason="a pure simulation of the shipped files: it runs in the SQLite pass")
def test_every_shipped_blueprint_passes_the_strategy_bars():
    """No shortcut (nor random answering) with middle written grades reaches a tier above
    0.1%; knowing every key gets the same tier on at least 99% of draws at every written
    level; the keyed part's simulated KR-20 is at least 0.7."""
    from assess.banks.loader import load
    from assess.banks.strategies import strategy_lines
    loaded = load([SHIPPED_BANKS])
    assert not loaded.errors
    lines, problems = strategy_lines(loaded.assessments, loaded.banks)
    assert sum("simulated KR-20" in line for line in lines) == 8, lines
    assert problems == [], "\n".join(problems)
