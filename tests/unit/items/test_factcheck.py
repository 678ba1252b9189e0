"""Fact-checking: per-claim labels, verbatim claims, corrections as human parts."""
import json

import pytest

from assess.items import HumanPart

RESPONSE = ("The Eiffel Tower is in Paris. It was finished in 1899. "
            "It is repainted every seven years.")
ENTRY = {
    "id": "fact-001",
    "type": "factcheck",
    "explanation": "It opened in 1889; the repainting interval is not in the sources given.",
    "prompt": "Tell me about the Eiffel Tower.",
    "response": RESPONSE,
    "claims": [{"id": "c1", "text": "The Eiffel Tower is in Paris"},
               {"id": "c2", "text": "It was finished in 1899"},
               {"id": "c3", "text": "It is repainted every seven years"}],
    "gold": {"c1": "supported", "c2": "false", "c3": "unsupported"},
    "correction_rubric": "correction-basic",
    "gold_corrections": {"c2": "It was finished in 1889."},
}
RIGHT = {"c1": "supported", "c2": "false", "c3": "unsupported"}


def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert kind.markdown_fields(entry)["claims.c2"] == "It was finished in 1899"
    assert kind.gold_markdown_fields(entry)["gold_corrections.c2"] == "It was finished in 1889."


@pytest.mark.parametrize("labels, correct", [
    (RIGHT, 3),
    ({**RIGHT, "c3": "false"}, 2),
    ({"c1": "false", "c2": "supported", "c3": "supported"}, 0),
])
def test_grade_is_the_share_of_claims_labelled_as_gold(grade, labels, correct):
    result = grade({"labels": labels})
    assert result.points == pytest.approx(correct / 3)
    assert (result.detail["correct"], result.detail["total"]) == (correct, 3)
    assert result.detail["claims"]["c2"]["gold"] == "false"


def test_partial_labels_are_kept_but_score_zero(kind, entry, grade):
    raw = {"labels": {"c1": "supported", "c2": ""}, "corrections": {"c1": "  "}}
    assert kind.parse_answer(entry, raw) == {"labels": {"c1": "supported"}}
    assert grade(raw).detail == {"answered": False}
    assert kind.grade(entry, None).points == 0


@pytest.mark.parametrize("raw, field", [
    ({"labels": ["supported"]}, "labels"),
    ({"labels": {"c9": "false"}}, "labels.c9"),
    ({"labels": {"c1": "maybe"}}, "labels.c1"),
    ({"corrections": "fixed"}, "corrections"),
    ({"corrections": {"c2": 1889}}, "corrections.c2"),
    ({"corrections": {"c2": "x" * 2001}}, "corrections.c2"),
    ({"corrections": {"c9": "text"}}, "corrections.c9"),
])
def test_malformed_answers(rejects, raw, field):
    assert rejects(raw) == field


def test_corrections_of_claims_labelled_false_are_human_parts(kind, entry):
    answer = kind.parse_answer(entry, {
        "labels": {**RIGHT, "c3": "false", "c1": "supported"},
        "corrections": {"c1": "kept for autosave", "c2": "It was finished in 1889."}})
    # c1 is not labelled false; c3 is, but has no correction: only c2 goes to a human.
    assert kind.human_parts(entry, answer) == [
        HumanPart("correction:c2", "correction", "It was finished in 1889.", "correction-basic",
                  context={"claim": "It was finished in 1899"})]
    # Only the claims that are in fact false count a correction, answered or not.
    false = [c for c, verdict in entry["gold"].items() if verdict == "false"]
    assert false
    assert [p.part for p in kind.scored_parts(entry)] == [f"correction:{c}" for c in false]
    assert kind.rubric_refs(entry) == [("correction_rubric", "correction-basic")]


def test_public_view_hides_gold_and_gold_corrections(kind, entry, shown):
    text = shown()
    view = json.loads(text)
    assert not {"gold", "gold_corrections", "correction_rubric", "explanation"} & set(view)
    assert "1889" not in text
    assert [c["id"] for c in view["claims"]] == ["c1", "c2", "c3"]
    assert kind.presentation(entry, None) == {}  # claims keep response order
    assert kind.gold_view(entry)["gold_corrections"] == {"c2": "It was finished in 1889."}


@pytest.mark.parametrize("changes, path, word", [
    ({"claims.1.text": "It was finished in 1898"}, "claims[1].text", "verbatim"),
    ({"claims.1.id": "c1"}, "claims[1].id", "duplicate"),
    ({"claims": []}, "claims", "at least 1"),
    ({"gold.c2": "wrong"}, "gold.c2", "expected one of"),
    ({"gold.c3": None}, "gold.c3", "required"),
    ({"gold.c9": "false"}, "gold.c9", "unknown claim"),
    ({"gold": None}, "gold", "required"),
    ({"correction_rubric": None}, "correction_rubric", "required"),
    ({"gold_corrections.c1": "Paris, France."}, "gold_corrections.c1", "'false'"),
    ({"gold_corrections.c9": "x"}, "gold_corrections.c9", "unknown claim"),
    ({"gold_corrections.c2": ""}, "gold_corrections.c2", "non-empty string"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)


def test_an_empty_gold_mapping_reports_every_claim(kind, entry):
    entry["gold"] = {}
    entry.pop("gold_corrections")
    assert [e.path for e in kind.validate(entry)] == ["gold.c1", "gold.c2", "gold.c3"]
