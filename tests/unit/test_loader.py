"""Bank files: every mistake reported, each naming file, item and field."""
import textwrap

from assess.banks.loader import load

BANK = """
bank: tiny
title: Tiny bank
domain: general
rubrics:
  - id: why
    title: Why
    criteria:
      - id: reason
        label: Reason
        levels:
          - {points: 0, label: Weak, descriptor: No reason.}
          - {points: 2, label: Good, descriptor: Names the decisive flaw.}
items:
  - id: q1
    type: choice
    prompt: What is 2 + 2?
    options: [{id: a, text: "4"}, {id: b, text: "5"}]
    gold: [a]
    explanation: Arithmetic.
  - id: q2
    type: pairwise
    prompt: Say hi.
    responses: [{id: A, text: Hi!}, {id: B, text: Go away.}]
    gold: {choice: A}
    explanation: A is polite.
    justification: {prompt: Why is it better, rubric: why}
"""
BLUEPRINT = """
assessment: tiny-test
title: Tiny test
domain: general
mode: timed
time_limit_minutes: 10
instructions: Answer.
sections:
  - {id: all, draw: 2, from: {banks: [tiny]}}
tiers:
  - {id: pass, name: Pass, min_overall: 0.5}
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def messages(result):
    return [str(e) for e in result.errors]


def test_a_good_bank_and_blueprint_load(tmp_path):
    write(tmp_path, "bank.yaml", BANK)
    write(tmp_path, "test.yaml", BLUEPRINT)
    result = load([tmp_path])
    assert result.errors == []
    assert [b.slug for b in result.banks] == ["tiny"]
    assert result.assessments[0].definition["attempts_allowed"] == 1


def test_every_error_names_file_item_and_field(tmp_path):
    bad = (BANK.replace("gold: [a]", "gold: [c]")
           .replace("type: pairwise", "type: essay")
           .replace("explanation: Arithmetic.", "explanation: ''"))
    path = write(tmp_path, "bank.yaml", bad)
    result = load([path])
    found = {(e.item, e.field) for e in result.errors}
    assert ("q1", "gold[0]") in found
    assert ("q1", "explanation") in found
    assert ("q2", "type") in found
    assert all(e.file == str(path) for e in result.errors)
    text = "\n".join(messages(result))
    assert "unknown item type 'essay'" in text and "pairwise" in text
    assert f"{path}:" in text and "item 'q1'" in text and "field 'gold[0]'" in text


def test_missing_rubric_and_duplicate_id(tmp_path):
    bad = BANK.replace("rubric: why", "rubric: nope").replace("id: q2", "id: q1")
    result = load([write(tmp_path, "bank.yaml", bad)])
    assert any("duplicate item id" in m for m in messages(result))
    bad = BANK.replace("rubric: why", "rubric: nope")
    result = load([write(tmp_path, "bank.yaml", bad)])
    [error] = result.errors
    assert (error.item, error.field) == ("q2", "justification.rubric")
    assert "'nope'" in error.message and "why" in error.message


def test_rubric_levels_must_ascend(tmp_path):
    bad = BANK.replace("points: 2", "points: 0")
    [error] = load([write(tmp_path, "bank.yaml", bad)]).errors
    assert error.item == "rubric 'why'" and error.field == "criteria[0].levels[1].points"


def test_yaml_syntax_error_has_a_line(tmp_path):
    result = load([write(tmp_path, "bank.yaml", "bank: x\nitems: [\n")])
    [error] = result.errors
    assert "not valid YAML" in error.message and error.line


def test_not_a_bank_at_all(tmp_path):
    [error] = load([write(tmp_path, "x.yaml", "- just\n- a list\n")]).errors
    assert "'bank' key" in error.message


def test_blueprint_errors(tmp_path):
    write(tmp_path, "bank.yaml", BANK)
    bad = (BLUEPRINT.replace("draw: 2", "draw: 3").replace("min_overall: 0.5", "min_overall: 5")
           .replace("mode: timed\ntime_limit_minutes: 10\n", "mode: timed\n"))
    write(tmp_path, "test.yaml", bad)
    result = load([tmp_path])
    found = {(e.item, e.field) for e in result.errors}
    assert (None, "time_limit_minutes") in found
    assert ("section 'all'", "draw") in found
    assert ("tier 'pass'", "min_overall") in found


def test_overlapping_sections_are_checked_for_the_worst_draw(tmp_path):
    write(tmp_path, "bank.yaml", BANK)
    bad = BLUEPRINT.replace(
        "  - {id: all, draw: 2, from: {banks: [tiny]}}",
        "  - {id: any, draw: 1, from: {banks: [tiny]}}\n"
        "  - {id: pair, draw: 1, from: {banks: [tiny], types: [pairwise]}}")
    write(tmp_path, "test.yaml", bad)
    [error] = load([tmp_path]).errors
    assert error.item == "section 'pair'" and "earlier sections may take" in error.message


def test_blueprint_of_a_broken_bank_says_so(tmp_path):
    write(tmp_path, "bank.yaml", BANK.replace("gold: [a]", "gold: [c]"))
    write(tmp_path, "test.yaml", BLUEPRINT)
    assert any("has errors" in m for m in messages(load([tmp_path])))


# ---- review options ----------------------------------------------------------------------------

def review_errors(tmp_path, review, *, extra=""):
    write(tmp_path, "bank.yaml", BANK)
    path = write(tmp_path, "test.yaml", BLUEPRINT + extra + f"review: {review}\n")
    result = load([tmp_path])
    return result, [(e.file, e.field, e.message) for e in result.errors], str(path)


def test_review_options_are_normalised_and_absent_ones_keep_the_definition_unchanged(tmp_path):
    result, errors, _ = review_errors(tmp_path, "{keys: after_close}",
                                      extra="attempts_allowed: 2\n")
    assert errors == []
    assert result.assessments[0].definition["review"] == {
        "keys": "after_close", "explanations": "after_close", "per_item_scores": True}
    result, errors, _ = review_errors(tmp_path, "{keys: immediately, explanations: never, "
                                                "per_item_scores: false}")
    assert errors == [] and result.assessments[0].definition["review"] == {
        "keys": "immediately", "explanations": "never", "per_item_scores": False}
    write(tmp_path, "test.yaml", BLUEPRINT)  # no review: the mode's defaults apply when read
    assert "review" not in load([tmp_path]).assessments[0].definition


def test_review_values_are_checked_with_file_and_field(tmp_path):
    _, errors, path = review_errors(tmp_path, "{keys: soon, colour: red, per_item_scores: 1}")
    assert {(f, field) for f, field, _ in errors} == {
        (path, "review.keys"), (path, "review.colour"), (path, "review.per_item_scores")}
    messages_by_field = {field: message for _, field, message in errors}
    assert "expected one of 'immediately', 'after_close', 'never'" in \
        messages_by_field["review.keys"]
    assert "is not a review option" in messages_by_field["review.colour"]
    assert "true or false" in messages_by_field["review.per_item_scores"]
    _, errors, _ = review_errors(tmp_path, "[never]")
    assert [(field, message) for _, field, message in errors] == [
        ("review", "expected a mapping, got a list")]


def test_explanations_cannot_be_shown_before_the_keys(tmp_path):
    _, errors, path = review_errors(tmp_path, "{keys: never, explanations: immediately}")
    [(file, field, message)] = errors
    assert (file, field) == (path, "review.explanations")
    assert "cannot be shown earlier than the keys" in message


def test_after_close_needs_a_limit_on_attempts(tmp_path):
    _, errors, path = review_errors(tmp_path, "{keys: after_close}",
                                    extra="attempts_allowed: 0\n")
    [(file, field, message)] = errors
    assert (file, field) == (path, "review.keys") and "attempts_allowed is 0" in message


def test_a_review_error_stops_the_import(tmp_path):
    result, errors, _ = review_errors(tmp_path, "{keys: sometimes}")
    assert errors  # import_paths refuses any load with errors; nothing is imported
