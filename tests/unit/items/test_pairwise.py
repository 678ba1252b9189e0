"""Pairwise comparison, plus the common fields every item type shares (validated by the base)."""
import json

import pytest

from assess.items import HumanPart

ENTRY = {
    "id": "pair-001",
    "type": "pairwise",
    "title": "Citing sources",
    "explanation": "B names its source; A does not.",
    "prompt": "Which answer is better?",
    "responses": [{"id": "a", "text": "Answer **A**"}, {"id": "b", "text": "Answer *B*"}],
    "allow_equal": True,
    "gold": {"choice": "b", "strength": 1},
}
JUSTIFICATION = {"prompt": "Why?", "rubric": "justification-basic"}


def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert kind.markdown_fields(entry) == {"prompt": "Which answer is better?",
                                           "responses.a": "Answer **A**",
                                           "responses.b": "Answer *B*"}


@pytest.mark.parametrize("raw, points, verdict", [
    ({"choice": "b", "strength": 1}, 1.0, "correct"),
    ({"choice": "b", "strength": "3"}, 0.5, "right side, wrong strength"),
    ({"choice": "equal"}, 0.25, "near miss: the difference is slight"),
    ({"choice": "a", "strength": 1}, 0.0, "wrong side"),
])
def test_grades(grade, raw, points, verdict):
    result = grade(raw)
    assert (result.points, result.detail["verdict"]) == (points, verdict)


@pytest.mark.parametrize("strength, points", [(1, 0.25), (2, 0.0)])
def test_preference_against_an_equal_gold(entry, grade, strength, points):
    entry["gold"] = {"choice": "equal"}
    assert grade({"choice": "a", "strength": strength}).points == points


@pytest.mark.parametrize("raw, field", [
    ("b", "answer"),
    ({"choice": "c"}, "choice"),
    ({"choice": "equal", "justification": "no"}, "justification"),
    ({"choice": "a", "strength": 4}, "strength"),
    ({"choice": "a", "strength": [1]}, "strength"),
    ({"choice": "a", "strength": True}, "strength"),
])
def test_malformed_answers(rejects, raw, field):
    assert rejects(raw) == field


def test_unanswered_and_incomplete_score_zero(kind, entry, grade):
    assert kind.grade(entry, None).points == 0
    incomplete = grade({"strength": 2})
    assert (incomplete.points, incomplete.max_points) == (0, 1)
    assert incomplete.detail == {"answered": False}


def test_public_view_hides_gold_and_explanation(shown):
    view = json.loads(shown(3))
    assert "gold" not in view and "explanation" not in view
    assert "B names its source" not in shown(3)
    assert view["type"] == "pairwise" and view["allow_equal"] is True


def test_presentation_shuffles_the_two_responses(orders):
    found = orders()
    assert {tuple(sorted(o)) for o in found} == {("a", "b")}
    assert len(set(found)) == 2


def test_justification_is_a_human_part(kind, entry):
    assert kind.human_parts(entry, {"choice": "a"}) == []
    entry["justification"] = JUSTIFICATION
    answer = kind.parse_answer(entry, {"choice": "a", "justification": "A is shorter."})
    assert kind.human_parts(entry, answer) == [
        HumanPart("justification", "justification", "A is shorter.", "justification-basic")]
    assert [p.part for p in kind.scored_parts(entry)] == ["justification"]
    assert kind.rubric_refs(entry) == [("justification.rubric", "justification-basic")]
    assert not kind.is_complete(entry, {"choice": "a"})
    assert kind.is_complete(entry, answer)


@pytest.mark.parametrize("changes, path, word", [
    ({"responses.1.id": "a"}, "responses[1].id", "duplicate"),
    ({"responses": [{"id": "a", "text": "x"}]}, "responses", "at least 2"),
    ({"gold.choice": "c"}, "gold.choice", "expected one of"),
    ({"gold.strength": 4}, "gold.strength", "at most 3"),
    ({"allow_equal": False, "gold": {"choice": "equal"}}, "gold.choice", "expected one of"),
    ({"gold.choice": "equal"}, "gold.strength", "left out"),
    ({"gold": None}, "gold", "required"),
    ({"prompt": None}, "prompt", "required"),
    # common fields, checked by ItemType.validate for every type
    ({"colour": "red"}, "colour", "not a field"),
    ({"explanation": " "}, "explanation", "non-empty string"),
    ({"difficulty": "brutal"}, "difficulty", "expected one of"),
    ({"points": -1}, "points", "at least 0"),
    ({"skills": ["judgment", ""]}, "skills[1]", "non-empty string"),
    ({"justification": {"prompt": "Why?"}}, "justification.rubric", "required"),
    ({"justification": {**JUSTIFICATION, "min_chars": 50, "max_chars": 10}},
     "justification.min_chars", "more than max_chars"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)
