"""Scores and tiers: sub-scores, skill attribution, every kind of tier condition, rescoring."""
from datetime import datetime, timedelta, timezone

import pytest

from assess.core.scoring import (
    Held,
    ItemScore,
    PartScore,
    Share,
    TierRule,
    compare,
    decide_tier,
    percent,
    score,
    valid_until,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)
LADDERS = {"general": {"generalist": 1, "specialist": 2, "expert": 3}}


def auto(points, max_points=1.0):
    return PartScore("auto", points, max_points)


def item(*parts, skills=("judgment",), section="s", position=1):
    return ItemScore(position, section, tuple(skills), tuple(parts))


def scored(points, max_points=10, *, skills=("judgment",)):
    """One item worth ``max_points`` with ``points`` of them, counting towards ``skills``."""
    return score([item(auto(points, max_points), skills=skills)])


def rule(slug="generalist", rank=1, min_overall=0.0, min_skills=None, requires=(),
         valid_days=None):
    return TierRule(slug, slug.capitalize(), rank, min_overall, min_skills or {},
                    tuple(requires), valid_days)


def decide(result, *rules, held=()):
    return decide_tier(result, rules, list(held), LADDERS, NOW)


# ---- sub-scores -------------------------------------------------------------------------------

def test_overall_sections_and_shares():
    result = score([item(auto(1), section="a"), item(auto(0.5), section="a"),
                    item(auto(0, 2), section="b")])
    assert (result.points, result.max_points, result.overall) == (1.5, 4.0, 0.375)
    assert result.by_section == {"a": Share(1.5, 2.0, 0.75), "b": Share(0.0, 2.0, 0.0)}
    assert not result.pending


def test_shares_are_rounded_so_tenths_are_exact():
    result = score([item(auto(0.1)) for _ in range(7)] + [item(auto(0.0)) for _ in range(3)])
    assert result.points == 0.7 and result.overall == 0.07
    assert scored(7).overall == 0.7 and scored(6).overall == 0.6


def test_skill_attribution_auto_justification_correction_rewrite():
    result = score([
        # A pairwise item that also asks for a justification.
        item(auto(1), PartScore("justification", 1, 4),
             skills=("judgment", "written_reasoning")),
        # A fact-check: its labels and its correction both count towards fact-checking.
        item(auto(0.5), PartScore("correction", 2, 2), skills=("fact_checking", "math")),
        # A rewrite tagged with another skill: only the rewrite part, only to rewriting.
        item(auto(0, 0), PartScore("rewrite", 3, 6), skills=("rewriting", "guidelines")),
    ])
    assert result.by_skill == {
        "fact_checking": Share(2.5, 3.0, 0.833333),
        "judgment": Share(1.0, 1.0, 1.0),
        "math": Share(0.5, 1.0, 0.5),
        "rewriting": Share(3.0, 6.0, 0.5),
        "written_reasoning": Share(1.0, 4.0, 0.25),
    }
    assert "guidelines" not in result.by_skill  # only a 0-point auto part counted towards it
    assert (result.points, result.max_points) == (7.5, 14.0)


def test_parts_worth_nothing_are_ignored():
    result = score([item(auto(0, 0), skills=("coding",), section="empty"), item(auto(1))])
    assert "coding" not in result.by_skill and "empty" not in result.by_section
    assert result.overall == 1.0


def test_pending_parts_count_zero_and_mark_the_result():
    result = score([item(auto(1), PartScore("justification", None, 2, final=False),
                         skills=("judgment", "written_reasoning"))])
    assert result.pending
    assert (result.points, result.max_points) == (1.0, 3.0)
    assert result.by_skill["written_reasoning"] == Share(0.0, 2.0, 0.0)


def test_unknown_part_kind_is_refused():
    with pytest.raises(ValueError, match="unknown part kind 'essay'"):
        score([item(PartScore("essay", 1, 1))])


def test_nothing_to_score():
    result = score([])
    assert (result.overall, result.by_skill, result.by_section) == (None, {}, {})


# ---- tier conditions ----------------------------------------------------------------------------

@pytest.mark.parametrize("points, minimum, met", [
    (6, 0.6, True), (7, 0.7, True), (7, 0.75, False), (8, 0.75, True), (5.99999, 0.6, False),
])
def test_overall_minimum_is_inclusive(points, minimum, met):
    decision = decide(scored(points), rule(min_overall=minimum))
    assert (decision.tier is not None) == met
    check = decision.outcomes[0].checks[0]
    assert (check.label, check.met, check.needed) == ("Overall score", met, minimum)


def test_overall_check_reads_well():
    check = decide(scored(7.2), rule(min_overall=0.75)).outcomes[0].checks[0]
    assert check.reason == "Overall score 72% — needs 75%" and check.actual == 0.72
    check = decide(scored(8), rule(min_overall=0.75)).outcomes[0].checks[0]
    assert check.reason == "Overall score 80% — meets 75%"


def test_percent_never_rounds_up_to_a_threshold():
    assert percent(0.749999) == "74.9%" and percent(0.7) == "70%" and percent(0.575) == "57.5%"


def test_skill_minimum():
    result = score([item(auto(8, 10)), item(PartScore("justification", 5.5, 10),
                                            skills=("written_reasoning",))])
    specialist = rule("specialist", 2, 0.6, {"written_reasoning": 0.6})
    decision = decide(result, specialist)
    assert decision.tier is None
    (check,) = decision.outcomes[0].unmet
    assert check.label == "Written reasoning"
    assert check.reason == "Written reasoning 55% — needs 60%"
    at_threshold = score([item(auto(8, 10)), item(PartScore("justification", 6, 10),
                                                  skills=("written_reasoning",))])
    assert decide(at_threshold, specialist).tier == specialist


def test_a_skill_not_measured_fails_its_minimum():
    decision = decide(scored(10), rule(min_skills={"written_reasoning": 0.0}))
    (check,) = decision.outcomes[0].unmet
    assert check.reason == "Written reasoning was not measured in this attempt"
    assert check.actual is None and decision.tier is None


def test_an_unmeasured_overall_score_passes_only_a_zero_minimum():
    assert decide(score([]), rule()).tier is not None
    assert decide(score([]), rule(min_overall=0.1)).tier is None


def test_a_pending_attempt_gets_no_tier():
    result = score([item(auto(10, 10)), item(PartScore("justification", None, 2, final=False),
                                             skills=("written_reasoning",))])
    decision = decide(result, rule())
    assert decision.tier is None
    assert [c.label for c in decision.outcomes[0].unmet] == ["Grading"]


# ---- prerequisites ------------------------------------------------------------------------------

def prerequisite(*held):
    decision = decide(scored(10), rule("advanced", requires=["general:specialist"]), held=held)
    (check,) = decision.outcomes[0].checks[1:]
    assert check.met == (decision.tier is not None)
    return check


def test_prerequisite_met():
    check = prerequisite(Held("general", "specialist", NOW + timedelta(days=1)))
    assert check.met and check.actual == "specialist"
    assert check.label == "Requires general: specialist"


def test_prerequisite_met_by_a_higher_tier_or_a_certificate_that_never_expires():
    assert prerequisite(Held("general", "expert", NOW + timedelta(days=1))).met
    assert prerequisite(Held("general", "specialist", None)).met


def test_prerequisite_unmet_by_a_lower_tier_or_another_assessment():
    check = prerequisite(Held("general", "generalist", None), Held("other", "expert", None))
    assert not check.met and "no such certificate" in check.reason


def test_prerequisite_expired_exactly_now_or_revoked():
    check = prerequisite(Held("general", "specialist", NOW))
    assert not check.met and "expired" in check.reason
    check = prerequisite(Held("general", "expert", None, revoked=True))
    assert not check.met and "revoked" in check.reason
    assert prerequisite(Held("general", "expert", None, revoked=True),
                        Held("general", "specialist", None)).met


@pytest.mark.parametrize("requirement, words", [
    ("unknown:generalist", "unknown assessment 'unknown'"),
    ("general:master", "'general' has no tier 'master'"),
])
def test_prerequisite_naming_nothing_known_is_unmet(requirement, words):
    decision = decide(scored(10), rule(requires=[requirement]),
                      held=[Held("general", "expert", None)])
    (check,) = decision.outcomes[0].unmet
    assert words in check.reason and decision.tier is None


# ---- choosing the tier --------------------------------------------------------------------------

TIERS = (rule("generalist", 1, 0.6), rule("specialist", 2, 0.75, {"judgment": 0.7}),
         rule("expert", 3, 0.85, {"judgment": 0.8}))


def test_the_highest_of_several_met_tiers_wins():
    decision = decide(scored(9), *reversed(TIERS))
    assert decision.tier.slug == "expert"
    assert [o.rule.slug for o in decision.outcomes] == ["generalist", "specialist", "expert"]
    assert all(o.met for o in decision.outcomes) and decision.next_tier is None


def test_rules_are_judged_independently():
    """A higher tier with no prerequisite can be met while a lower one is not."""
    decision = decide(scored(9), rule("basic", 1, 0.5, requires=["general:expert"]),
                      rule("advanced", 2, 0.8))
    assert decision.tier.slug == "advanced"
    assert not decision.outcomes[0].met


def test_next_tier_lists_what_is_missing():
    decision = decide(scored(8), *TIERS)
    assert decision.tier.slug == "specialist"
    upcoming = decision.next_tier
    assert upcoming.rule.slug == "expert"
    assert [c.reason for c in upcoming.unmet] == ["Overall score 80% — needs 85%"]
    nothing = decide(scored(1), *TIERS)
    assert nothing.tier is None and nothing.next_tier.rule.slug == "generalist"


def test_valid_until():
    assert valid_until(NOW, rule(valid_days=365)) == NOW + timedelta(days=365)
    assert valid_until(NOW, rule()) is None


# ---- rescoring ----------------------------------------------------------------------------------

def test_compare_rescoring():
    same = compare(0.7, "generalist", 7 / 10, "generalist")
    assert not same.changed and same.describe() == "no change"
    raised = compare(0.72, None, 0.78, "specialist")
    assert raised.score_changed and raised.tier_changed and raised.changed
    assert raised.describe() == "score 72% → 78%; tier none → specialist"
    score_only = compare(0.61, "generalist", 0.65, "generalist")
    assert score_only.changed and not score_only.tier_changed
    assert compare(None, None, 0.5, None).describe() == "score none → 50%"
