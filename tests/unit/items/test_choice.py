"""Multiple choice: single select (gold as a plain id); multi-select penalises wrong picks."""
import json

import pytest

ENTRY = {
    "id": "mc-001",
    "type": "choice",
    "explanation": "Only option B follows the guideline.",
    "prompt": "Which reply follows the guideline?",
    "options": [{"id": k, "text": f"Reply {k.upper()}"} for k in "abcd"],
    "gold": "b",  # the short form of ["b"]
}


@pytest.fixture
def multi(entry):
    entry.update(multiple=True, gold=["a", "c"])
    return entry


def test_valid_entries_have_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert kind.validate({**entry, "gold": ["b"]}) == []
    assert kind.validate({**entry, "multiple": True, "gold": ["a", "c"]}) == []
    assert sorted(kind.markdown_fields(entry)) == ["options.a", "options.b", "options.c",
                                                   "options.d", "prompt"]


@pytest.mark.parametrize("selected, points", [(["b"], 1), ("b", 1), (["a"], 0)])
def test_single_select(grade, selected, points):
    assert grade({"selected": selected}).points == points


def test_gold_is_normalised_to_a_list(kind, entry, grade):
    assert kind.gold_view(entry)["gold"] == ["b"]
    entry["gold"] = ["b"]
    assert grade({"selected": ["b"]}).points == 1


@pytest.mark.parametrize("selected, fraction", [
    (["c", "a"], 1.0),
    (["a"], 0.5),  # (1 right - 0 wrong) / 2 gold
    (["a", "c", "d"], 0.5),  # (2 - 1) / 2
    (["a", "b"], 0.0),  # (1 - 1) / 2
    (["b", "d"], 0.0),  # max(0, (0 - 2) / 2)
])
def test_multi_select(multi, grade, selected, fraction):
    assert grade({"selected": selected}).points == fraction


def test_multi_select_detail(multi, grade):
    assert grade({"selected": ["a", "d"]}).detail == {
        "answered": True, "fraction": 0.0, "correct": ["a"], "wrong": ["d"], "missed": ["c"]}


def test_unanswered_scores_zero(kind, entry, grade):
    assert grade({"selected": []}).detail == {"answered": False}
    assert grade({}).points == 0
    assert kind.grade(entry, None).points == 0


@pytest.mark.parametrize("selected", [["a", "b"], ["z"], 5, [["a"]]])
def test_malformed_single_answers(rejects, selected):
    assert rejects({"selected": selected}) == "selected"


def test_malformed_multi_answer(multi, rejects):
    assert rejects({"selected": ["a", "a"]}) == "selected"


def test_public_view_hides_gold(shown):
    view = json.loads(shown())
    assert "gold" not in view and "explanation" not in view
    assert view["multiple"] is False


def test_presentation_shuffles_options(orders):
    found = orders()
    assert {tuple(sorted(o)) for o in found} == {("a", "b", "c", "d")}
    assert len(set(found)) > 1


def test_presentation_keeps_bank_order_without_shuffle(entry, orders, shown):
    entry["shuffle"] = False
    assert set(orders()) == {("a", "b", "c", "d")}
    assert [o["id"] for o in json.loads(shown(7))["options"]] == ["a", "b", "c", "d"]


def test_no_human_parts_without_justification(kind, entry):
    assert kind.human_parts(entry, {"selected": ["b"]}) == []


@pytest.mark.parametrize("changes, path, word", [
    ({"gold": ["a", "b"]}, "gold", "multiple is false"),
    ({"gold": "z"}, "gold", "unknown option id"),
    ({"gold": ["a", "z"], "multiple": True}, "gold[1]", "unknown option id"),
    ({"gold": ["a", "a"], "multiple": True}, "gold[1]", "more than once"),
    ({"gold": []}, "gold", "at least 1"),
    ({"gold": None}, "gold", "required"),
    ({"options": [{"id": str(i), "text": "x"} for i in range(11)]}, "options", "at most 10"),
    ({"multiple": "yes"}, "multiple", "true or false"),
    ({"shuffle": 1}, "shuffle", "true or false"),
    ({"options.3.id": ""}, "options[3].id", "non-empty string"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)
