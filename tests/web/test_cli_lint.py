"""`banks validate` prints lint findings as warnings; `--strict` makes them fail the run."""
import re

from helpers import SHIPPED_BANKS

CLEAN = """
bank: tidy
title: Tidy
domain: general
items:
  - id: q1
    type: choice
    prompt: What does a compound interest calculation add to the balance each year?
    options: [{id: a, text: Interest on the interest already earned}, {id: b, text: Nothing}]
    gold: [a]
    explanation: Each year's interest is earned on the balance, which includes past interest.
"""
# q2's explanation is on line 18 of the file.
FLAWED = CLEAN.replace("bank: tidy", "bank: flawed") + """
  - id: q2
    type: pairwise
    prompt: Which summary of the meeting notes is more faithful?
    responses: [{id: A, text: The meeting moved the launch to May.}, {id: B, text: No change.}]
    gold: {choice: A, strength: 2}
    explanation: Response A is right.
"""


def test_findings_are_printed_but_do_not_fail_the_run(runner, tmp_path):
    (tmp_path / "flawed.yaml").write_text(FLAWED)
    result = runner.invoke(args=["banks", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "OK: 1 file(s), 1 bank(s) with 2 item(s), 0 assessment(s)." in result.output
    lint = [line for line in result.output.splitlines() if line.startswith("lint:")]
    path = re.escape(str(tmp_path / "flawed.yaml"))
    assert len(lint) == 2
    assert re.fullmatch(rf"lint: {path}:18: flawed/q2: explanation has 20 characters of text.*",
                        lint[0])
    assert re.fullmatch(rf"lint: {path}:18: flawed/q2: explanation names responses by display "
                        rf"letter, position or id \('Response A', 'A is right'\).*", lint[1])
    assert "2 lint finding(s) in 1 bank(s)." in result.output
    assert result.output.index("OK:") < result.output.index("lint:")


def test_strict_fails_on_findings(runner, tmp_path):
    (tmp_path / "flawed.yaml").write_text(FLAWED)
    result = runner.invoke(args=["banks", "validate", "--strict", str(tmp_path)])
    assert result.exit_code == 1
    assert "lint: " in result.output and "(--strict: failing)" in result.output


def test_a_clean_bank_prints_nothing_lint_related(runner, tmp_path):
    (tmp_path / "tidy.yaml").write_text(CLEAN)
    for args in (["banks", "validate", str(tmp_path)],
                 ["banks", "validate", "--strict", str(tmp_path)]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
        assert "lint:" not in result.output and "finding(s)" not in result.output
        assert "No lint findings in 1 bank(s)." in result.output


def test_errors_still_come_before_any_linting(runner, tmp_path):
    (tmp_path / "bad.yaml").write_text(FLAWED.replace("gold: [a]", "gold: [z]"))
    result = runner.invoke(args=["banks", "validate", "--strict", str(tmp_path)])
    assert result.exit_code == 1
    assert "error:" in result.output and "lint" not in result.output


def test_the_starter_bank_lints_clean_from_the_cli(runner):
    """If this fails, question_banks/starter.yaml has lint findings: fix the bank."""
    result = runner.invoke(args=["banks", "validate", "--strict",
                                 str(SHIPPED_BANKS / "starter.yaml")])
    assert result.exit_code == 0, result.output
    assert "lint:" not in result.output
    assert "No lint findings in 1 bank(s)." in result.output


# Two-option items whose key is the longer option, and a blueprint drawing one of them.
LEAKY = CLEAN.replace("bank: tidy", "bank: leaky") + """
  - id: q2
    type: choice
    prompt: Which statement about an emergency fund is right for most households?
    options: [{id: a, text: Keep three to six months of essential costs in an easy-access account},
              {id: b, text: Invest it all in shares}]
    gold: [a]
    explanation: An emergency fund must be there when needed, so it is held as cash, not shares.
"""
BLUEPRINT = """
assessment: leaky-quiz
title: Leaky quiz
domain: general
mode: practice
instructions: Answer every question.
sections:
  - id: mcq
    draw: 1
    from: {banks: [leaky]}
"""


def test_validate_prints_each_blueprints_shortcut_table(runner, tmp_path):
    (tmp_path / "leaky.yaml").write_text(LEAKY)
    (tmp_path / "quiz.yaml").write_text(BLUEPRINT)
    result = runner.invoke(args=["banks", "validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Shortcuts: the best answer given without reading, per item type, as a "
                        "share of its keyed credit in each blueprint's draw-weighted pool "
                        "(chance = answering at random):")
    assert lines[start + 1] == ("  leaky-quiz: choice — 'longest' earns 1.00 of the keyed "
                                "credit, chance 0.50 (+0.50: lint)")
    # The table comes after the lint summary, before the guessing odds.
    assert result.output.index("lint finding(s)") < result.output.index("Shortcuts:")
    assert result.output.index("Shortcuts:") < result.output.index("Random guessing")
    path = re.escape(str(tmp_path / "quiz.yaml"))
    assert any(re.fullmatch(rf"lint: {path}:8: leaky-quiz/section:mcq: choice: 'longest' earns "
                            rf"1\.00 of the keyed credit in the draw-weighted pool of section\(s\)"
                            rf" mcq, chance 0\.50 \(\+0\.50, more than 0\.15\): leaky/q1, "
                            rf"leaky/q2", line) for line in lines), result.output


def test_a_bank_without_blueprints_prints_no_shortcut_table(runner, tmp_path):
    (tmp_path / "tidy.yaml").write_text(CLEAN)
    result = runner.invoke(args=["banks", "validate", str(tmp_path)])
    assert result.exit_code == 0 and "Shortcuts:" not in result.output
