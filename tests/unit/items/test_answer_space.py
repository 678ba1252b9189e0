"""What a random guesser can answer, and the points that earns, for every item type."""
import copy
from math import isclose

import pytest
import yaml
from helpers import SHIPPED_BANKS

from assess.items import all_types, get

STARTER = yaml.safe_load((SHIPPED_BANKS / "starter.yaml").read_text(encoding="utf-8"))["items"]
ENTRIES = [kind.sample for kind in all_types().values()] + STARTER


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_every_guess_is_a_valid_complete_answer(entry):
    kind = get(entry["type"])
    space = list(kind.answer_space(entry))
    assert space
    for answer in space:
        parsed = kind.parse_answer(entry, answer)  # raises AnswerError on a bad shape
        assert kind.fields_complete(entry, parsed) or kind.max_points(entry) == 0
        assert not kind.human_parts(entry, parsed)  # a guesser writes nothing
    distribution = kind.guess_distribution(entry)
    assert isclose(sum(distribution.values()), 1.0)
    assert all(0 <= points <= kind.max_points(entry) for points in distribution)


def distribution(entry):
    return {points: round(p, 9) for points, p in get(entry["type"]).guess_distribution(entry)
            .items()}


PAIRWISE = {"id": "p", "type": "pairwise", "explanation": "x", "prompt": "Which?",
            "responses": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}],
            "gold": {"choice": "b", "strength": 1}}


def test_pairwise_with_strength():
    # 2 sides x 3 strengths: the right side at the right strength 1, at another strength 0.5.
    assert distribution(PAIRWISE) == {0.0: 0.5, 0.5: round(1 / 3, 9), 1.0: round(1 / 6, 9)}


def test_pairwise_with_equal_allowed():
    entry = {**PAIRWISE, "allow_equal": True}
    # 3 choices x 3 strengths; "equal" against a slight preference is a near miss (0.25).
    assert distribution(entry) == {0.0: round(3 / 9, 9), 0.25: round(3 / 9, 9),
                                   0.5: round(2 / 9, 9), 1.0: round(1 / 9, 9)}
    no_strength = {**entry, "gold": {"choice": "equal"}}
    # Gold "equal": choosing it is right; a side at strength 1 is a near miss.
    assert distribution(no_strength) == {0.0: round(4 / 9, 9), 0.25: round(2 / 9, 9),
                                         1.0: round(3 / 9, 9)}


def test_ranking_of_three():
    entry = {"id": "r", "type": "ranking", "explanation": "x", "prompt": "Rank",
             "responses": [{"id": i, "text": i} for i in "abc"], "gold": {"order": list("abc")}}
    assert distribution(entry) == {0.0: round(1 / 6, 9), 0.333333: round(2 / 6, 9),
                                   0.666667: round(2 / 6, 9), 1.0: round(1 / 6, 9)}


def test_rubric_with_tolerance():
    entry = {"id": "u", "type": "rubric", "explanation": "x", "prompt": "P", "response": "R",
             "dimensions": [{"id": "d", "label": "D"}], "gold": {"d": 3}}
    # Scores 1-5: exactly 3 earns 1, 2 or 4 earn half.
    assert distribution(entry) == {0.0: 0.4, 0.5: 0.4, 1.0: 0.2}


def test_factcheck_labels_each_claim_at_random():
    entry = copy.deepcopy(get("factcheck").sample)
    entry["claims"], entry["gold"] = entry["claims"][:2], {"nectar": "supported",
                                                           "babies": "false"}
    assert distribution(entry) == {0.0: round(4 / 9, 9), 0.5: round(4 / 9, 9),
                                   1.0: round(1 / 9, 9)}


def test_labels_tick_each_box_at_even_odds():
    entry = {"id": "l", "type": "labels", "explanation": "x", "prompt": "P", "response": "R",
             "options": [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}], "gold": ["x"]}
    # none -> 0, {x} -> 1, {y} -> 0, {x, y} -> 1/2
    assert distribution(entry) == {0.0: 0.5, 0.5: 0.25, 1.0: 0.25}


def test_choice_single_and_multiple():
    entry = {"id": "c", "type": "choice", "explanation": "x", "prompt": "P", "points": 2,
             "options": [{"id": i, "text": i} for i in "abcd"], "gold": "b"}
    assert distribution(entry) == {0.0: 0.75, 2.0: 0.25}
    multiple = {**entry, "points": 1, "multiple": True, "options": entry["options"][:3],
                "gold": ["a", "b"]}
    # 7 non-empty ticks: {a}, {b}, {a,b,c} half; {a,b} full; {c}, {a,c}, {b,c} nothing.
    assert distribution(multiple) == {0.0: round(3 / 7, 9), 0.5: round(3 / 7, 9),
                                      1.0: round(1 / 7, 9)}


def test_rewrite_earns_no_automatic_points():
    assert distribution(get("rewrite").sample) == {0.0: 1.0}


def test_spaces_too_large_to_list_are_not_enumerated():
    labels = {"id": "l", "type": "labels", "explanation": "x", "prompt": "P", "response": "R",
              "options": [{"id": f"o{i}", "text": "O"} for i in range(16)], "gold": []}
    rubric = {"id": "u", "type": "rubric", "explanation": "x", "prompt": "P", "response": "R",
              "dimensions": [{"id": f"d{i}", "label": "D", "min": 0, "max": 9}
                             for i in range(5)], "gold": {f"d{i}": 1 for i in range(5)}}
    factcheck = {**get("factcheck").sample,
                 "claims": [{"id": f"c{i}", "text": "Honey"} for i in range(10)]}
    for entry in (labels, rubric, factcheck):
        kind = get(entry["type"])
        assert kind.answer_space(entry) is None and kind.guess_distribution(entry) is None
