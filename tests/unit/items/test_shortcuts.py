"""Shortcuts: answers given without reading, built from what the applicant sees (display order
and text), never from the gold key; graded by the type itself and set against chance."""
import copy
import random

import pytest

from assess.items import all_types, get
from assess.items.base import display_orders
from assess.items.shortcuts import (
    NotEnumerable,
    chance_credit,
    mean_shortcut_credit,
    shortcut_answers,
    shortcut_credit,
)

PAIRWISE = {"id": "p", "type": "pairwise", "explanation": "x", "prompt": "Which?",
            "responses": [{"id": "a", "text": "A short one."},
                          {"id": "b", "text": "A much, much longer response than the other."}],
            "gold": {"choice": "a", "strength": 3}}
RANKING = {"id": "r", "type": "ranking", "explanation": "x", "prompt": "Rank",
           "responses": [{"id": "x", "text": "mid length"}, {"id": "y", "text": "the longest one"},
                         {"id": "z", "text": "short"}],
           "gold": {"order": ["z", "x", "y"]}}
RUBRIC = {"id": "u", "type": "rubric", "explanation": "x", "prompt": "P", "response": "R",
          "dimensions": [{"id": "acc", "label": "Accuracy"},  # 1-5
                         {"id": "tone", "label": "Tone", "min": 0, "max": 3, "tolerance": 0}],
          "gold": {"acc": 3, "tone": 1}}
FACTCHECK = {"id": "f", "type": "factcheck", "explanation": "x", "prompt": "P",
             "response": "One. Two. Three.", "correction_rubric": "correction",
             "claims": [{"id": "c1", "text": "One."}, {"id": "c2", "text": "Two."},
                        {"id": "c3", "text": "Three."}],
             "gold": {"c1": "false", "c2": "false", "c3": "supported"}}
LABELS = {"id": "l", "type": "labels", "explanation": "x", "prompt": "P", "response": "R",
          "options": [{"id": "o1", "text": "One"}, {"id": "o2", "text": "Two"},
                      {"id": "o3", "text": "Three"}],
          "gold": []}
CHOICE = {"id": "c", "type": "choice", "explanation": "x", "prompt": "P",
          "options": [{"id": "a", "text": "Medium text"}, {"id": "b", "text": "Tiny"},
                      {"id": "c", "text": "By far the longest option text"},
                      {"id": "d", "text": "Also medium"}],
          "gold": ["c"]}
MULTIPLE = {**CHOICE, "id": "m", "multiple": True, "gold": ["a", "c"]}
REWRITE = get("rewrite").sample
ENTRIES = [PAIRWISE, RANKING, RUBRIC, FACTCHECK, LABELS, CHOICE, MULTIPLE, REWRITE]


def answers(entry, presentation=None):
    kind = get(entry["type"])
    if presentation is None:
        presentation = kind.presentation(entry, random.Random(0))
    return kind.shortcuts(entry, presentation)


def order(entry, ids):
    return {"order": list(ids)}


# ------------------------------------------------------------------ every type

@pytest.mark.parametrize("entry", ENTRIES + [k.sample for k in all_types().values()],
                         ids=lambda e: e["id"])
def test_shortcuts_are_valid_complete_answers_without_written_parts(entry):
    kind = get(entry["type"])
    for presentation in kind.presentations(entry):
        for name, raw in kind.shortcuts(entry, presentation).items():
            parsed = kind.parse_answer(entry, raw)  # raises AnswerError on a bad shape
            assert kind.fields_complete(entry, parsed), name
            assert not kind.human_parts(entry, parsed), name  # nothing written
            assert "justification" not in raw


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_shortcuts_never_depend_on_the_gold_key(entry):
    kind = get(entry["type"])
    other = copy.deepcopy(entry)
    other["gold"] = {"pairwise": {"choice": "b", "strength": 1},
                     "ranking": {"order": ["y", ["x", "z"]]},
                     "rubric": {"acc": 5, "tone": 0},
                     "factcheck": {"c1": "supported", "c2": "unsupported", "c3": "false"},
                     "labels": ["o1", "o2"], "choice": ["a", "b"] if entry.get("multiple")
                     else ["b"]}.get(entry["type"], entry.get("gold"))
    other["explanation"] = "Something else entirely."
    for presentation in kind.presentations(entry):
        assert kind.shortcuts(entry, presentation) == kind.shortcuts(other, presentation)


def test_every_type_names_its_strategies():
    assert set(answers(PAIRWISE)) == {"first", "last", "longer", "shorter", "longer-slightly",
                                      "shorter-slightly"}
    assert "equal" in answers({**PAIRWISE, "allow_equal": True})
    assert set(answers(RANKING)) == {"displayed", "reversed", "longest-first", "shortest-first"}
    assert set(answers(RUBRIC)) == {"top", "bottom", "middle", "second-top"}
    assert set(answers(FACTCHECK)) == {"all-supported", "all-unsupported", "all-false"}
    assert set(answers(LABELS)) == {"none", "all", "first"}
    assert set(answers(CHOICE)) == {"first", "last", "longest", "shortest"}
    assert set(answers(MULTIPLE)) == {"all", "first", "longest-half"}
    assert answers(REWRITE) == {} and shortcut_credit("rewrite", REWRITE, {}) == {}


# ------------------------------------------------------------------ display order

def test_pairwise_follows_the_displayed_order():
    shown_ab, shown_ba = order(PAIRWISE, "ab"), order(PAIRWISE, "ba")
    ab, ba = answers(PAIRWISE, shown_ab), answers(PAIRWISE, shown_ba)
    assert ab["first"] == {"choice": "a", "strength": 3} == ba["last"]
    assert ba["first"] == {"choice": "b", "strength": 3} == ab["last"]
    # Length does not move with the order: b is the longer text either way.
    assert ab["longer"] == ba["longer"] == {"choice": "b", "strength": 3}
    assert ab["shorter-slightly"] == {"choice": "a", "strength": 1}
    # Gold is a, much better: first earns it only when a is shown first.
    assert shortcut_credit("pairwise", PAIRWISE, shown_ab)["first"] == 1.0
    assert shortcut_credit("pairwise", PAIRWISE, shown_ba)["first"] == 0.0
    assert shortcut_credit("pairwise", PAIRWISE, shown_ab)["shorter-slightly"] == 0.5
    mean = mean_shortcut_credit("pairwise", PAIRWISE)
    assert mean["first"] == mean["last"] == 0.5 and mean["shorter"] == 1.0


def test_pairwise_equal_lengths_pick_the_first_shown():
    entry = copy.deepcopy(PAIRWISE)
    entry["responses"][1]["text"] = "Same length!"
    assert answers(entry, order(entry, "ba"))["longer"]["choice"] == "b"
    assert answers(entry, order(entry, "ab"))["longer"]["choice"] == "a"


def test_ranking_follows_the_displayed_order():
    shown = answers(RANKING, order(RANKING, "zyx"))
    assert shown["displayed"] == {"order": ["z", "y", "x"]}
    assert shown["reversed"] == {"order": ["x", "y", "z"]}
    assert shown["longest-first"] == {"order": ["y", "x", "z"]}
    assert shown["shortest-first"] == {"order": ["z", "x", "y"]}
    assert answers(RANKING, order(RANKING, "xyz"))["displayed"] == {"order": ["x", "y", "z"]}
    credit = shortcut_credit("ranking", RANKING, order(RANKING, "zyx"))
    assert credit["shortest-first"] == 1.0 and credit["longest-first"] == 0.0
    # Every order of three is equally likely: shown order and its reverse average to 1/2.
    mean = mean_shortcut_credit("ranking", RANKING)
    assert mean["displayed"] == pytest.approx(0.5) == mean["reversed"]
    assert chance_credit("ranking", RANKING) == pytest.approx(0.5)


def test_choice_follows_the_displayed_order():
    abcd, dcba = order(CHOICE, "abcd"), order(CHOICE, "dcba")
    assert answers(CHOICE, abcd)["first"] == {"selected": ["a"]}
    assert answers(CHOICE, dcba)["first"] == {"selected": ["d"]}
    assert answers(CHOICE, dcba)["last"] == {"selected": ["a"]}
    assert answers(CHOICE, abcd)["longest"] == answers(CHOICE, dcba)["longest"] == {
        "selected": ["c"]}
    assert answers(CHOICE, abcd)["shortest"] == {"selected": ["b"]}
    # "Medium text" and "Also medium" are equally long: the first shown of them counts.
    half = answers(MULTIPLE, abcd)["longest-half"]["selected"]
    assert half == ["c", "a"] and answers(MULTIPLE, dcba)["longest-half"]["selected"] == ["c", "d"]
    assert answers(MULTIPLE, dcba)["all"] == {"selected": ["d", "c", "b", "a"]}
    credit = mean_shortcut_credit("choice", CHOICE)
    assert credit == {"first": 0.25, "last": 0.25, "longest": 1.0, "shortest": 0.0}
    assert chance_credit("choice", CHOICE) == 0.25


def test_an_unshuffled_choice_has_one_presentation():
    entry = {**CHOICE, "shuffle": False}
    assert get("choice").presentations(entry) == [{"order": ["a", "b", "c", "d"]}]
    assert mean_shortcut_credit("choice", entry)["first"] == 0.0


def test_labels_keep_bank_order_and_empty_means_none_apply():
    shown = answers(LABELS, {})
    assert shown == {"none": {"labels": []}, "all": {"labels": ["o1", "o2", "o3"]},
                     "first": {"labels": ["o1"]}}
    # Gold is empty: "none" is exactly right, anything else 0; random ticking gets 1/8.
    assert shortcut_credit("labels", LABELS, {}) == {"none": 1.0, "all": 0.0, "first": 0.0}
    assert chance_credit("labels", LABELS, {}) == pytest.approx(1 / 8)
    two = {**LABELS, "gold": ["o1", "o2"]}
    assert shortcut_credit("labels", two, {}) == {"none": 0.0, "all": pytest.approx(2 / 3),
                                                  "first": 0.5}


def test_rubric_levels_on_each_scale():
    shown = answers(RUBRIC, {})
    assert shown["top"] == {"scores": {"acc": 5, "tone": 3}}
    assert shown["bottom"] == {"scores": {"acc": 1, "tone": 0}}
    assert shown["middle"] == {"scores": {"acc": 3, "tone": 1}}  # (0 + 3) // 2 = 1
    assert shown["second-top"] == {"scores": {"acc": 4, "tone": 2}}
    credit = shortcut_credit("rubric", RUBRIC, {})
    assert credit["middle"] == 1.0 and credit["second-top"] == 0.25  # 0.5 within 1, tone 0
    assert credit["top"] == 0.0
    # acc 1-5, gold 3: exact 1/5, within 1 2/5 at 0.5 -> 0.4; tone 0-3, no tolerance -> 1/4.
    assert chance_credit("rubric", RUBRIC) == pytest.approx((0.4 + 0.25) / 2)


def test_factcheck_constant_labels():
    credit = shortcut_credit("factcheck", FACTCHECK, {})
    assert credit == {"all-supported": pytest.approx(1 / 3), "all-unsupported": 0.0,
                      "all-false": pytest.approx(2 / 3)}
    assert chance_credit("factcheck", FACTCHECK) == pytest.approx(1 / 3)
    # No corrections are written: the answer makes no human part.
    parsed = shortcut_answers("factcheck", FACTCHECK, {})["all-false"]
    assert "corrections" not in parsed


# ------------------------------------------------------------------ helpers

def test_item_types_may_be_given_by_name_or_instance():
    assert shortcut_credit("choice", CHOICE, order(CHOICE, "cabd")) == \
        shortcut_credit(get("choice"), CHOICE, order(CHOICE, "cabd"))
    assert shortcut_credit("choice", CHOICE, order(CHOICE, "cabd"))["first"] == 1.0


def test_display_orders_list_every_order_or_a_balanced_set():
    assert len(display_orders("abc")) == 6 and len(display_orders("abcde")) == 120
    orders = display_orders("abcdefg")
    assert len(orders) == 14 and all(sorted(o) == list("abcdefg") for o in orders)
    for position in range(7):  # every id twice at every position
        assert sorted(o[position] for o in orders) == sorted("abcdefg" * 2)


def test_chance_needs_an_enumerable_answer_space():
    many = {**FACTCHECK, "response": " ".join(f"C{i}." for i in range(10)),
            "claims": [{"id": f"c{i}", "text": f"C{i}."} for i in range(10)],
            "gold": {f"c{i}": "supported" for i in range(10)}}
    with pytest.raises(NotEnumerable):
        chance_credit("factcheck", many)
    assert shortcut_credit("factcheck", many, {})["all-supported"] == 1.0
