"""Labels: Jaccard similarity between the chosen and the gold labels; options keep bank order."""
import json

import pytest

ENTRY = {
    "id": "lab-001",
    "type": "labels",
    "explanation": "It gives dosage advice and cites a statute.",
    "prompt": "Which policy labels apply?",
    "response": "Take 400mg twice a day; section 12 allows it.",
    "options": [{"id": "harmful", "text": "Harmful"},
                {"id": "medical", "text": "Medical advice"},
                {"id": "legal", "text": "Legal advice", "description": "Cites *law*."}],
    "gold": ["medical", "legal"],
}


def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert sorted(kind.markdown_fields(entry)) == [
        "options.harmful", "options.legal", "options.legal.description", "options.medical",
        "prompt", "response"]


@pytest.mark.parametrize("labels, fraction", [
    (["legal", "medical"], 1.0),
    (["medical"], 0.5),  # |{medical}| / |{medical, legal}|
    (["medical", "harmful"], 1 / 3),  # |{medical}| / |{medical, legal, harmful}|
    ([], 0.0),
    (["harmful"], 0.0),
])
def test_jaccard(grade, labels, fraction):
    assert grade({"labels": labels}).points == pytest.approx(fraction)


def test_detail_lists_missed_and_extra_labels(grade):
    assert grade({"labels": ["harmful", "medical"]}).detail["missed"] == ["legal"]
    assert grade({"labels": ["harmful", "medical"]}).detail["extra"] == ["harmful"]


def test_none_apply(entry, grade):
    entry["gold"] = []
    assert grade({"labels": []}).points == 1
    assert grade({"labels": ["legal"]}).points == 0


def test_unanswered_scores_zero_but_an_empty_list_is_an_answer(kind, entry, grade):
    assert grade({}).detail == {"answered": False}
    assert kind.grade(entry, None).points == 0
    assert kind.is_complete(entry, kind.parse_answer(entry, {"labels": []}))


@pytest.mark.parametrize("labels", ["medical", {"medical": True}, ["nope"], ["legal", "legal"],
                                    [None]])
def test_malformed_answers(rejects, labels):
    assert rejects({"labels": labels}) == "labels"


def test_public_view_hides_gold_and_keeps_bank_order(kind, entry, shown):
    assert {shown(seed) for seed in range(5)} == {shown(0)}
    view = json.loads(shown())
    assert "gold" not in view and "explanation" not in view
    assert [o["id"] for o in view["options"]] == ["harmful", "medical", "legal"]
    assert kind.presentation(entry, None) == {}
    assert kind.human_parts(entry, {"labels": []}) == []


@pytest.mark.parametrize("changes, path, word", [
    ({"gold.1": "nope"}, "gold[1]", "unknown option id"),
    ({"gold": ["medical", "medical"]}, "gold[1]", "more than once"),
    ({"gold": None}, "gold", "required"),
    ({"gold": "medical"}, "gold", "expected a list"),
    ({"options": ENTRY["options"][:1]}, "options", "at least 2"),
    ({"options.2.description": 3}, "options[2].description", "non-empty string"),
    ({"options.0.colour": "red"}, "options[0].colour", "not a field"),
    ({"options.0": "harmful"}, "options[0]", "expected a mapping"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)
