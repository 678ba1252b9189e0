"""`banks validate` warns about tiers a random guesser reaches, without failing."""
from helpers import SHIPPED_BANKS

BANK = """
bank: easy
title: Easy
domain: general
items:
""" + "".join(f"""
  - {{id: q{i}, type: choice, explanation: x, prompt: P, gold: a,
     options: [{{id: a, text: A}}, {{id: b, text: B}}]}}""" for i in range(3))

BLUEPRINT = """
assessment: easy-test
title: Easy test
domain: general
mode: timed
time_limit_minutes: 10
instructions: Go.
sections:
  - {id: all, draw: 2, from: {banks: [easy]}}
tiers:
  - {id: pass, name: Pass, min_overall: 0.5}
  - {id: top, name: Top, min_overall: 1.0}
  - {id: never, name: Never, min_overall: 1.0, min_skills: {written_reasoning: 0.5}}
"""


def test_validate_warns_when_guessing_reaches_a_tier(runner, tmp_path):
    (tmp_path / "bank.yaml").write_text(BANK)
    (tmp_path / "blueprint.yaml").write_text(BLUEPRINT)
    result = runner.invoke(args=["banks", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "OK: 2 file(s), 1 bank(s) with 3 item(s), 1 assessment(s)." in result.output
    # Two two-option items: at least one right 3/4 of the time, both right 1/4.
    assert ("warning: easy-test: a random guesser reaches Pass with probability 75% (exact)"
            in result.output)
    assert ("warning: easy-test: a random guesser reaches Top with probability 25% (exact)"
            in result.output)
    assert "Never" not in result.output and "reaches none" not in result.output


def test_validate_says_the_shipped_banks_are_safe_from_guessing(runner):
    result = runner.invoke(args=["banks", "validate", str(SHIPPED_BANKS)])
    assert result.exit_code == 0, result.output
    assert "warning:" not in result.output
    assert "Random guessing reaches none of" in result.output
    assert "with probability above 0.1%." in result.output
