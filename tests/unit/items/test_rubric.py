"""Rubric scoring: per-dimension scales, tolerance bands and partial credit."""
import json

import pytest

ENTRY = {
    "id": "rub-001",
    "type": "rubric",
    "explanation": "Mostly accurate; the tone is fine.",
    "prompt": "Explain photosynthesis.",
    "response": "Plants turn light into *sugar*.",
    "dimensions": [
        {"id": "accuracy", "label": "Accuracy", "description": "Are the facts right?",
         "levels": {1: "Wrong", 5: "Flawless"}},
        {"id": "tone", "label": "Tone", "min": 0, "max": 3, "tolerance": 0},
    ],
    "gold": {"accuracy": 4, "tone": 2},
    "partial": 0.5,
}


def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert kind.markdown_fields(entry) == {
        "prompt": "Explain photosynthesis.", "response": "Plants turn light into *sugar*.",
        "dimensions.accuracy.description": "Are the facts right?",
        "dimensions.accuracy.levels.1": "Wrong", "dimensions.accuracy.levels.5": "Flawless"}


def test_level_keys_survive_a_json_round_trip(kind, entry):
    stored = json.loads(json.dumps(entry))  # level keys become strings
    assert kind.validate(stored) == []
    assert kind.public_view(stored, {}) == kind.public_view(entry, {})


@pytest.mark.parametrize("scores, fraction", [
    ({"accuracy": 4, "tone": 2}, 1.0),
    ({"accuracy": 5, "tone": 2}, 0.75),  # accuracy off by 1 <= tolerance 1: partial 0.5
    ({"accuracy": "3", "tone": " 1 "}, 0.25),  # form strings; tone off by 1 > tolerance 0
    ({"accuracy": 2, "tone": 0}, 0.0),
])
def test_grades(grade, scores, fraction):
    assert grade({"scores": scores}).points == fraction


def test_detail_per_dimension_and_custom_partial(entry, grade):
    entry["partial"] = 0.25
    result = grade({"scores": {"accuracy": 3, "tone": 2}})
    assert result.detail["dimensions"] == {
        "accuracy": {"given": 3, "gold": 4, "credit": 0.25},
        "tone": {"given": 2, "gold": 2, "credit": 1.0}}
    assert result.points == 0.625


def test_unscored_dimensions_are_kept_for_autosave(kind, entry, grade):
    assert kind.parse_answer(entry, {"scores": {"accuracy": 3, "tone": ""}}) == {
        "scores": {"accuracy": 3}}
    assert grade({"scores": {"accuracy": 4, "tone": None}}).detail == {"answered": False}
    assert kind.grade(entry, None).points == 0


@pytest.mark.parametrize("scores, field", [
    ("4", "scores"),
    ({"style": 3}, "scores.style"),
    ({"accuracy": 6}, "scores.accuracy"),
    ({"tone": -1}, "scores.tone"),
    ({"tone": "two"}, "scores.tone"),
    ({"tone": True}, "scores.tone"),
    ({"accuracy": 2.5}, "scores.accuracy"),
])
def test_malformed_scores(rejects, scores, field):
    assert rejects({"scores": scores}) == field


def test_public_view_hides_gold_tolerance_and_partial(kind, entry, shown):
    view = json.loads(shown())
    assert not {"gold", "partial", "explanation"} & set(view)
    assert all("tolerance" not in d for d in view["dimensions"])
    assert view["dimensions"][0]["levels"] == [{"score": 1, "descriptor": "Wrong"},
                                               {"score": 5, "descriptor": "Flawless"}]
    assert (view["dimensions"][1]["min"], view["dimensions"][1]["max"]) == (0, 3)
    assert kind.presentation(entry, None) == {}  # dimensions keep bank order


def test_no_human_parts_without_justification(kind, entry):
    assert kind.human_parts(entry, {"scores": {"accuracy": 1}}) == []


@pytest.mark.parametrize("changes, path, word", [
    ({"gold.accuracy": 6}, "gold.accuracy", "from 1 to 5"),
    ({"gold.tone": None}, "gold.tone", "from 0 to 3"),
    ({"gold.tone": "2"}, "gold.tone", "string '2'"),
    ({"gold.style": 3}, "gold.style", "unknown dimension"),
    ({"dimensions.1.min": 3}, "dimensions[1].min", "min < max"),
    ({"dimensions.0.min": 5}, "dimensions[0].min", "got min 5 and max 5"),
    ({"dimensions.1.max": "3"}, "dimensions[1].max", "expected an integer"),
    ({"dimensions.0.tolerance": -1}, "dimensions[0].tolerance", "at least 0"),
    ({"dimensions.0.levels": {9: "x"}}, "dimensions[0].levels.9", "from 1 to 5"),
    ({"dimensions.0.levels": {2: ""}}, "dimensions[0].levels.2", "non-empty descriptor"),
    ({"dimensions.0.label": None}, "dimensions[0].label", "required"),
    ({"dimensions.0.weight": 2}, "dimensions[0].weight", "not a field"),
    ({"dimensions": []}, "dimensions", "at least 1"),
    ({"partial": 1.5}, "partial", "at most 1"),
    ({"response": None}, "response", "required"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)
