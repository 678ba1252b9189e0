"""Rewrite: not auto-graded; the rewrite is a human part graded against the bank rubric."""
import json

import pytest

from assess.items import GradeResult, HumanPart

ENTRY = {
    "id": "rw-001",
    "type": "rewrite",
    "explanation": "Fix the apostrophe and the verb.",
    "prompt": "Make this sentence correct.",
    "response": "Its a good idea to backup.",
    "rubric": "rewrite-basic",
    "guidance": "Fix *grammar* only.",
    "min_chars": 10,
    "max_chars": 200,
    "reference": "It is a good idea to back up your files.",
}
TEXT = "It's a good idea to back up."


def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert kind.markdown_fields(entry) == {"prompt": "Make this sentence correct.",
                                           "response": "Its a good idea to backup.",
                                           "guidance": "Fix *grammar* only."}
    assert kind.gold_markdown_fields(entry)["reference"] == ENTRY["reference"]


def test_never_auto_graded(kind, entry, grade):
    assert kind.max_points(entry) == 0
    assert grade({"text": TEXT}) == GradeResult(0.0, 0.0, {"answered": True, "auto": False})
    assert grade({"text": "Too short"}).detail == {"answered": False, "auto": False}
    assert kind.grade(entry, None).detail == {"answered": False, "auto": False}
    assert not kind.is_complete(entry, {"text": "   "})


@pytest.mark.parametrize("raw, field", [
    ({"text": 42}, "text"),
    ({"text": "x" * 201}, "text"),
    ({"text": TEXT, "justification": "why"}, "justification"),
])
def test_malformed_answers(rejects, raw, field):
    assert rejects(raw) == field


def test_the_rewrite_is_a_human_part(kind, entry):
    assert kind.human_parts(entry, {"text": TEXT}) == [
        HumanPart("rewrite", "rewrite", TEXT, "rewrite-basic",
                  context={"original": "Its a good idea to backup."})]
    assert kind.human_parts(entry, {"text": " "}) == []
    assert kind.human_parts(entry, None) == []
    assert [p.part for p in kind.scored_parts(entry)] == ["rewrite"]
    entry["justification"] = {"prompt": "What did you change?", "rubric": "why"}
    assert kind.rubric_refs(entry) == [("justification.rubric", "why"), ("rubric", "rewrite-basic")]
    assert [(p.part, p.rubric) for p in kind.scored_parts(entry)] == [
        ("justification", "why"), ("rewrite", "rewrite-basic")]


def test_public_view_hides_the_reference(kind, entry, shown):
    view = json.loads(shown())
    assert "reference" not in view and "back up your files" not in shown()
    assert (view["guidance"], view["min_chars"], view["max_chars"]) == (
        "Fix *grammar* only.", 10, 200)
    assert kind.presentation(entry, None) == {}
    assert kind.gold_view(entry)["reference"] == ENTRY["reference"]
    del entry["reference"]
    assert "reference" not in kind.gold_view(entry)


@pytest.mark.parametrize("changes, path, word", [
    ({"rubric": None}, "rubric", "required"),
    ({"response": ""}, "response", "non-empty string"),
    ({"min_chars": 300}, "min_chars", "more than max_chars 200"),
    ({"max_chars": None, "min_chars": 6000}, "min_chars", "more than max_chars 5000"),
    ({"min_chars": -1}, "min_chars", "at least 0"),
    ({"max_chars": 0}, "max_chars", "at least 1"),
    ({"max_chars": 10 ** 6}, "max_chars", "at most 20000"),
    ({"points": 2}, "points", "not auto-graded"),
    ({"reference": " "}, "reference", "non-empty string"),
    ({"guidance": ["fix"]}, "guidance", "a list"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)
