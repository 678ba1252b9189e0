"""The chance a random guesser reaches a tier: exact sums checked by hand and by brute force,
Monte Carlo checked against them, and the report built from bank files."""
import itertools
import math
import random
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from helpers import SHIPPED_BANKS

from assess.banks.loader import load
from assess.banks.validity import NotComputable, guess_lines, guess_sections, validity_report
from assess.core import validity
from assess.core.scoring import ItemScore, PartScore, TierRule, check_rule, score
from assess.core.validity import (
    GUESS_WARNING,
    GuessItem,
    GuessSection,
    TierOdds,
    tier_odds,
    worth_warning,
)

QUARTER = {0.0: 0.75, 1.0: 0.25}  # a 4-option multiple choice item worth 1 point


def choice(key, skills=("guidelines",), **written):
    return GuessItem(key, tuple(skills), QUARTER, 1.0, written)


def fixed(*items):
    """Sections that each draw their one item: no randomness in the draw."""
    return [GuessSection(f"s{i}", 1, (item,)) for i, item in enumerate(items)]


def rule(slug="pass", rank=1, min_overall=0.0, min_skills=None, requires=()):
    return TierRule(slug, slug.capitalize(), rank, min_overall, min_skills or {}, requires)


def odds(sections, *rules, **options):
    return [o.probability for o in tier_odds(sections, rules, **options)]


def test_three_fixed_choice_items_by_hand():
    sections = fixed(*(choice(i) for i in range(3)))
    (result,) = tier_odds(sections, [rule(min_overall=2 / 3)])
    # Two right and one wrong in three ways, or all three right: 3/16 * 3/4 + 1/64 = 10/64.
    assert result == TierOdds("pass", "Pass", 0.15625, "exact")
    assert odds(sections, rule(min_overall=0.0), rule("all", 2, 1.0)) == [1.0, 1 / 64]


def test_skill_minimum_by_hand():
    sections = fixed(choice("j1", ["judgment"]), choice("j2", ["judgment"]), choice("g"))
    one_judgment = rule(min_skills={"judgment": 0.5})
    both = rule("both", 2, min_overall=2 / 3, min_skills={"judgment": 1.0})
    assert odds(sections, one_judgment, both) == [1 - (3 / 4) ** 2, 1 / 16]
    # A skill none of the items measures can never be met, even with a minimum of 0.
    assert odds(sections, rule(min_skills={"coding": 0.0})) == [0.0]


def test_written_parts_weigh_in_the_maximum_but_earn_a_guesser_nothing():
    item = choice("j", ["judgment", "written_reasoning"], justification=3.0)
    sections = fixed(item)
    # Overall 1 of 4 at best; written reasoning is measured (3 points at stake) but always 0.
    assert odds(sections, rule(min_overall=0.25), rule("more", 2, min_overall=0.26)) == [0.25, 0]
    assert odds(sections, rule(min_skills={"written_reasoning": 0.0}),
                rule("wr", 2, min_skills={"written_reasoning": 0.01}),
                rule("judgment", 3, min_skills={"judgment": 1.0})) == [1.0, 0.0, 0.25]


def test_prerequisites_are_ignored():
    sections = fixed(choice("a"))
    assert odds(sections, rule(requires=("other:expert",))) == [1.0]


def test_the_draw_within_a_section():
    certain = GuessItem("certain", (), {1.0: 1.0}, 1.0)
    coin = GuessItem("coin", (), {0.0: 0.5, 3.0: 0.5}, 3.0)
    nothing = GuessItem("nothing", (), {0.0: 1.0}, 1.0)
    sections = [GuessSection("s", 1, (certain, coin, nothing))]
    # Each item a third of the time: certain passes, the coin half the time, nothing never.
    assert odds(sections, rule(min_overall=0.5)) == [pytest.approx(0.5)]
    sections = [GuessSection("s", 2, (certain, coin, nothing))]
    # {certain, coin}: 1/4 or 4/4; {certain, nothing}: 1/2; {coin, nothing}: 0 or 3/4.
    assert odds(sections, rule(min_overall=0.5)) == [pytest.approx((0.5 + 1 + 0.5) / 3)]


def test_sections_sharing_items_are_drawn_together():
    right = GuessItem("right", (), {1.0: 1.0}, 1.0)
    wrong = GuessItem("wrong", (), {0.0: 1.0}, 1.0)
    other = GuessItem("other", (), {0.0: 1.0}, 1.0)
    sections = [GuessSection("first", 1, (right, wrong)),
                GuessSection("second", 1, (right, wrong, other))]
    # "right" is drawn first half the time, else second from {right, other} half the time.
    (result,) = tier_odds(sections, [rule(min_overall=0.5)])
    assert result.probability == pytest.approx(0.75) and result.method == "exact"
    sampled = tier_odds(sections, [rule(min_overall=0.5)], draw_limit=1, samples=20_000)[0]
    assert sampled.method == "monte_carlo"  # too many draws to list: sampled instead
    assert abs(sampled.probability - 0.75) < 4 * sampled.stderr


def random_sections(rng: random.Random):
    """A small random blueprint: fractional points, overlapping pools, several skills."""
    def item(key):
        values = sorted(rng.sample([0.0, 0.25, 1 / 3, 0.5, 0.75, 1.0], rng.randint(1, 3)))
        weights = [rng.randint(1, 4) for _ in values]
        maximum = rng.choice([1.0, 2.0])
        return GuessItem(key, tuple(rng.sample(["judgment", "safety", "written_reasoning",
                                                "fact_checking"], 2)),
                         {v * maximum: w / sum(weights) for v, w in zip(values, weights)},
                         maximum, {"justification": 2.0} if rng.random() < 0.3 else {})
    items = [item(i) for i in range(6)]
    return [GuessSection("a", 2, tuple(items[0:3])), GuessSection("b", 1, tuple(items[2:5])),
            GuessSection("c", 1, tuple(items[5:6]))]


def brute_force(sections, tier):
    """Every draw and every outcome, scored by ``scoring`` itself."""
    total = 0.0
    for p_draw, drawn in validity._draws(sections):
        for outcome in itertools.product(*(item.auto.items() for item in drawn)):
            items = [ItemScore(i, "s", item.skills, (PartScore("auto", points, item.auto_max),)
                               + tuple(PartScore(kind, 0.0, m)
                                       for kind, m in item.written_max.items()))
                     for i, (item, (points, _)) in enumerate(zip(drawn, outcome))]
            if check_rule(score(items), tier, [], {}, datetime.now(timezone.utc)).met:
                total += p_draw * math.prod(p for _, p in outcome)
    return total


@pytest.mark.parametrize("seed", range(6))
def test_exact_agrees_with_brute_force_scoring(seed):
    rng = random.Random(seed)
    sections = random_sections(rng)
    tiers = [rule("a", 1, 0.3), rule("b", 2, 0.5, {"judgment": 0.5}),
             rule("c", 3, 0.6, {"judgment": 0.5, "safety": 0.4}),
             rule("d", 4, 0.2, {"written_reasoning": 0.0})]
    for tier, result in zip(tiers, tier_odds(sections, tiers)):
        assert result.method == "exact"
        assert result.probability == pytest.approx(brute_force(sections, tier), abs=1e-9)


def test_monte_carlo_agrees_with_the_exact_value_and_is_reproducible():
    sections = random_sections(random.Random(1))
    tiers = [rule("a", 1, 0.6), rule("b", 2, 0.5, {"judgment": 0.7})]  # 0.78 and 0.56
    exact = tier_odds(sections, tiers)
    sampled = tier_odds(sections, tiers, monte_carlo=True, samples=20_000, seed=7)
    for e, s in zip(exact, sampled):
        assert s.method == "monte_carlo" and s.samples == 20_000
        assert abs(s.probability - e.probability) <= 4 * s.stderr
        assert s.interval[0] <= s.probability <= s.interval[1]
    assert sampled == tier_odds(sections, tiers, monte_carlo=True, samples=20_000, seed=7)
    assert sampled != tier_odds(sections, tiers, monte_carlo=True, samples=20_000, seed=8)


def test_monte_carlo_also_samples_items_one_by_one(monkeypatch):
    """When a group's mixture is too big to tabulate, items are drawn and sampled one by one."""
    monkeypatch.setattr(validity, "MIXTURE_WORK", 0)
    sections = fixed(*(choice(i) for i in range(3)))
    (sampled,) = tier_odds(sections, [rule(min_overall=2 / 3)], monte_carlo=True,
                           samples=20_000, seed=3)
    assert abs(sampled.probability - 0.15625) <= 4 * sampled.stderr


def test_monte_carlo_when_nothing_is_reached_still_states_an_error():
    (result,) = tier_odds(fixed(choice("a")), [rule(min_overall=1.1)], monte_carlo=True,
                          samples=1000)
    assert result.probability == 0 and result.stderr == 0
    assert 0 < result.interval[1] < 0.01
    assert result.describe().startswith("0% ± 0% (Monte Carlo, 1000 samples, 95% interval 0%–")


def test_exact_falls_back_to_monte_carlo_past_the_work_limit(monkeypatch):
    monkeypatch.setattr(validity, "WORK_LIMIT", 3)
    (result,) = tier_odds(fixed(*(choice(i) for i in range(3))), [rule(min_overall=2 / 3)],
                          samples=5000)
    assert result.method == "monte_carlo"


def test_warnings_above_the_threshold():
    assert GUESS_WARNING == 0.001
    found = [TierOdds("a", "A", 0.001, "exact"), TierOdds("b", "B", 0.0043, "exact")]
    assert worth_warning(found) == found[1:]
    assert found[1].describe() == "0.43% (exact)"


def test_a_section_without_enough_items_is_refused():
    with pytest.raises(ValueError, match="draws 2 items from a pool of 1"):
        tier_odds([GuessSection("s", 2, (choice("a"),))], [rule()])


# ---- from bank files ------------------------------------------------------------------------

BANK = """
bank: tiny
title: Tiny
domain: general
rubrics:
  - id: why
    title: Why
    criteria:
      - id: reason
        label: Reason
        levels:
          - {points: 0, label: None, descriptor: Nothing.}
          - {points: 2, label: Good, descriptor: Good.}
items:
  - {id: c1, type: choice, skills: [judgment], explanation: x, prompt: P,
     options: [{id: a, text: A}, {id: b, text: B}], gold: a}
  - {id: c2, type: choice, skills: [judgment], explanation: x, prompt: P,
     options: [{id: a, text: A}, {id: b, text: B}], gold: b}
  - id: f1
    type: factcheck
    explanation: x
    prompt: P
    response: One. Two. Three.
    claims: [{id: one, text: One.}, {id: two, text: Two.}, {id: three, text: Three.}]
    gold: {one: "false", two: supported, three: "false"}
    correction_rubric: why
  - id: p1
    type: pairwise
    explanation: x
    prompt: P
    responses: [{id: a, text: A}, {id: b, text: B}]
    gold: {choice: a}
    justification: {prompt: "Why?", rubric: why}
"""
BLUEPRINT = """
assessment: tiny-test
title: Tiny test
domain: general
mode: timed
time_limit_minutes: 10
instructions: Go.
sections:
  - {id: choices, draw: 1, from: {banks: [tiny], types: [choice]}}
  - {id: rest, draw: 2, from: {banks: [tiny], types: [factcheck, pairwise]}}
tiers:
  - {id: pass, name: Pass, min_overall: 0.1}
  - {id: judge, name: Judge, min_overall: 0, min_skills: {judgment: 0.5}}
"""


@pytest.fixture
def loaded(tmp_path):
    (tmp_path / "bank.yaml").write_text(BANK)
    (tmp_path / "blueprint.yaml").write_text(BLUEPRINT)
    result = load([tmp_path])
    assert not result.errors, result.errors
    return result


def test_sections_from_bank_files(loaded):
    result = loaded
    choices, rest = guess_sections(result.assessments[0].definition, result.banks)
    assert [i.key for i in choices.pool] == [("tiny", "c1"), ("tiny", "c2")]
    assert choices.pool[0].auto == {0.0: 0.5, 1.0: 0.5} and choices.pool[0].written_max == {}
    factcheck, pairwise = rest.pool
    assert factcheck.skills == ("fact_checking",)  # the type's default skills
    assert factcheck.written_max == {"correction": 4.0}  # two false claims, 2 points each
    assert pairwise.written_max == {"justification": 2.0}


def test_validity_report_from_bank_files(loaded):
    result = loaded
    report = validity_report(result.assessments[0].definition, result.banks)
    assert [(o.slug, o.method) for o in report] == [("pass", "exact"), ("judge", "exact")]
    # Pass needs 0.9 of 9 points (1 + 1 + 1 auto, 4 for corrections, 2 for the justification):
    # it fails only when the choice and the pairwise item are wrong and not every claim is right.
    assert report[0].probability == pytest.approx(1 - 1 / 4 * 26 / 27)
    # Judgment: the choice and the pairwise item (its default skill), each right half the
    # time; one of the two is enough.
    assert report[1].probability == pytest.approx(0.75)
    lines = guess_lines(result.assessments, result.banks)
    assert "warning: tiny-test: a random guesser reaches Judge with probability 75% (exact)" \
        in lines


def test_a_blueprint_drawing_from_banks_not_at_hand_is_not_computed(loaded):
    result = loaded
    definition = result.assessments[0].definition
    with pytest.raises(NotComputable, match="'rest' draws from elsewhere"):
        validity_report({**definition, "sections": definition["sections"][:1] + [
            {**definition["sections"][1], "from": {"banks": ["elsewhere"]}}]}, result.banks)


def test_the_shipped_blueprints_are_safe_from_guessing():
    result = load([SHIPPED_BANKS])
    for spec in result.assessments:
        report = validity_report(spec.definition, result.banks)
        assert all(o.method == "exact" and o.probability <= GUESS_WARNING for o in report)
    assert guess_lines(result.assessments, result.banks)[-1].startswith("Random guessing "
                                                                         "reaches none")


def test_the_new_modules_stay_pure():
    modules = ["assess.core.scoring", "assess.core.validity", "assess.banks.validity"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in modules) +
            "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'flask', 'sqlalchemy', 'werkzeug', 'flask_sqlalchemy'})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
