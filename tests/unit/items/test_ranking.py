"""Ranking: gold orders with ties, Kendall tau distance over pairs strictly ordered by gold."""
import json

import pytest

ENTRY = {
    "id": "rank-001",
    "type": "ranking",
    "explanation": "r1 answers fully; r2 and r3 are equally partial; r4 is wrong.",
    "points": 2,
    "prompt": "Rank the answers from best to worst.",
    "responses": [{"id": f"r{i}", "text": f"Response {i}"} for i in range(1, 5)],
    "gold": {"order": ["r1", ["r2", "r3"], "r4"]},
}


def test_valid_entry_has_no_errors(kind, entry):
    assert kind.validate(entry) == []
    assert sorted(kind.markdown_fields(entry)) == ["prompt", "responses.r1", "responses.r2",
                                                   "responses.r3", "responses.r4"]


@pytest.mark.parametrize("order", [["r1", "r2", "r3", "r4"], ["r1", "r3", "r2", "r4"]])
def test_either_order_of_a_tie_is_fully_right(grade, order):
    result = grade({"order": order})
    assert result.points == 2
    assert result.detail["discordant"] == 0 and result.detail["comparable"] == 5


def test_worked_kendall_example(grade):
    # gold ranks: r1=0, r2=1, r3=1 (tied), r4=2. Of the 6 pairs, (r2, r3) is tied in gold, so
    # 5 pairs are comparable: (r1,r2) (r1,r3) (r1,r4) (r2,r4) (r3,r4).
    # answer r2, r1, r4, r3 puts r2 before r1 (discordant) and r4 before r3 (discordant);
    # the other three agree. distance = 2 / 5 = 0.4, fraction = 0.6, points = 0.6 * 2 = 1.2.
    result = grade({"order": ["r2", "r1", "r4", "r3"]})
    assert result.detail == {"answered": True, "fraction": 0.6, "discordant": 2,
                             "comparable": 5, "distance": 0.4}
    assert result.points == pytest.approx(1.2)


def test_reversed_order_scores_zero(grade):
    result = grade({"order": ["r4", "r3", "r2", "r1"]})
    assert (result.points, result.detail["distance"]) == (0, 1.0)


def test_partial_answer_is_kept_but_scores_zero(kind, entry, grade):
    assert kind.parse_answer(entry, {"order": ["r1", "r2"]}) == {"order": ["r1", "r2"]}
    assert grade({"order": ["r1", "r2"]}).detail == {"answered": False}
    assert grade({}).points == 0
    assert kind.grade(entry, None).points == 0


@pytest.mark.parametrize("order", ["r1", ["r1", "r1"], ["r1", "r9"], ["r1", 2], {"r1": 1}])
def test_malformed_orders(rejects, order):
    assert rejects({"order": order}) == "order"


def test_public_view_hides_gold(shown):
    view = json.loads(shown(1))
    assert "gold" not in view and "explanation" not in view
    assert "equally partial" not in shown(1)
    assert [r["text"] for r in view["responses"]] != []


def test_presentation_is_a_seeded_permutation(kind, entry, orders):
    found = orders()
    assert {tuple(sorted(o)) for o in found} == {("r1", "r2", "r3", "r4")}
    assert len(set(found)) > 1
    view = kind.public_view(entry, {"order": list(found[0])})
    assert tuple(r["id"] for r in view["responses"]) == found[0]


def test_no_human_parts_without_justification(kind, entry):
    assert kind.human_parts(entry, {"order": ["r1", "r2", "r3", "r4"]}) == []
    assert kind.scored_parts(entry) == []


def test_every_problem_is_reported(kind, entry):
    entry.pop("prompt")
    entry["gold"]["order"] = ["r1", ["r2", "r9"], "r1"]
    paths = {e.path for e in kind.validate(entry)}
    assert paths == {"prompt", "gold.order[1][1]", "gold.order[2]", "gold.order"}


@pytest.mark.parametrize("changes, path, word", [
    ({"gold.order": ["r1", ["r2", "r3"]]}, "gold.order", "missing r4"),
    ({"gold.order": ["r1", ["r2", "r3"], "r4", "r1"]}, "gold.order[3]", "more than once"),
    ({"gold.order": ["r1", ["r2", "r3", "r1"], "r4"]}, "gold.order[1][2]", "more than once"),
    ({"gold.order": ["r1", ["r2", "r9"], "r4", "r3"]}, "gold.order[1][1]", "unknown response"),
    ({"gold.order": ["r1", 7, "r2", "r3", "r4"]}, "gold.order[1]", "number 7"),
    ({"gold.order": ["r1", [], "r2", "r3", "r4"]}, "gold.order[1]", "empty tie group"),
    ({"gold.order": [["r1", "r2", "r3", "r4"]]}, "gold.order", "strictly ordered"),
    ({"gold.order": []}, "gold.order", "at least 1"),
    ({"gold": {"order": ["r1"], "ties": []}}, "gold.ties", "not a field"),
    ({"gold": None}, "gold", "required"),
    ({"responses": ENTRY["responses"][:2]}, "responses", "at least 3"),
    ({"responses": ENTRY["responses"] * 2}, "responses", "at most 6"),
    ({"responses.2.text": ""}, "responses[2].text", "non-empty string"),
])
def test_bank_mistakes_name_the_field(mistake, changes, path, word):
    mistake(changes, path, word)


def test_a_broken_response_list_does_not_cascade_into_gold(kind, entry):
    del entry["responses"]
    assert [e.path for e in kind.validate(entry)] == ["responses"]
