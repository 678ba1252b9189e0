"""Each dataset format on its real file (read in place from /work/shared/data): record counts,
one known record spot-checked, the bank validating through the real loader, gold balance and
sampling determinism."""
from __future__ import annotations

from collections import Counter

import pytest
from unit.importers.support import by_id, dataset, option, response, validate

from assess.importers import halueval, hh_rlhf, llmbar, moderation, mtbench, topicalchat, truthfulqa
from assess.importers.registry import FORMATS, OFFENSIVE


def test_registry_lists_every_format_with_the_shared_signature():
    assert {"llmbar", "mtbench", "hh-rlhf", "halueval", "truthfulqa", "topicalchat",
            "moderation"} <= set(FORMATS)
    assert OFFENSIVE == {"hh-rlhf", "moderation"}


def test_llmbar_natural(tmp_path):
    result = llmbar.read(dataset("llmbar"), sample=None, seed=0, id_prefix="lb")
    assert (result.total, len(result.items), sum(result.skipped.values())) == (100, 100, 0)
    item = by_id(result)["lb-0001"]  # label 1: output_1 is the better summary
    assert item["type"] == "pairwise" and item["prompt"].startswith(
        "Summarize the following content.\n\nMy girlfriend is Malaysian")
    assert response(item, item["gold"]["choice"]).startswith(
        "My girlfriend's visa to stay in the UK expires in a few months")
    assert "strength" not in item["gold"] and "allow_equal" not in item
    assert item["difficulty"] == "medium" and item["tags"] == ["llmbar", "llmbar-natural"]
    assert item["justification"]["rubric"] == "justification"
    assert item["explanation"].startswith("In LLMBar (Natural set)")
    for entry in result.items:  # display order is shuffled: never name a position
        assert not any(word in entry["explanation"] for word in (
            "Output 1", "output 2", " A ", " B ", "first response", "second response"))
        assert len(entry["explanation"]) >= 40
    firsts = Counter(i["gold"]["choice"] for i in result.items)
    assert 35 <= firsts["r1"] <= 65  # the gold is listed first in about half the items
    validate(result, tmp_path)


def test_llmbar_adversarial_is_hard(tmp_path):
    result = llmbar.read(dataset("llmbar-adversarial"), sample=10, seed=1, id_prefix="adv")
    assert result.total == 134 and len(result.items) == 10
    assert {i["difficulty"] for i in result.items} == {"hard"}
    assert "llmbar-adversarial-neighbor" in result.items[0]["tags"]
    validate(result, tmp_path)


def test_mtbench(tmp_path):
    result = mtbench.read(dataset("mtbench"), sample=None, seed=0, id_prefix="mt")
    assert (result.total, len(result.items), sum(result.skipped.values())) == (200, 200, 0)
    item = by_id(result)["mt-0001"]
    assert item["prompt"].startswith("Explain what's base rate fallacy")
    assert response(item, item["gold"]["choice"]).startswith(
        "Base rate fallacy, also known as base rate neglect")
    assert item["tags"] == ["mt-bench"] and "MT-Bench" in item["explanation"]
    firsts = Counter(i["gold"]["choice"] for i in result.items)
    assert 70 <= firsts["r1"] <= 130
    validate(result, tmp_path)


def test_mtbench_ties_become_equal(tmp_path):
    path = tmp_path / "mt.json"
    path.write_text('[{"input": "Q?", "output_1": "One answer.", "output_2": "Another one.", '
                    '"label": "tie"}, {"input": "Q2?", "output_1": "x", "output_2": "y", '
                    '"label": 2}]')
    result = mtbench.read(path, sample=None, seed=0, id_prefix="mt")
    tie = by_id(result)["mt-0001"]
    assert tie["allow_equal"] is True and tie["gold"] == {"choice": "equal"}
    assert "about equally good" in tie["explanation"]
    assert response(by_id(result)["mt-0002"], by_id(result)["mt-0002"]["gold"]["choice"]) == "y"
    validate(result, tmp_path)


def test_hh_rlhf(tmp_path):
    result = hh_rlhf.read(dataset("hh-rlhf"), sample=20, seed=0, id_prefix="hh")
    assert result.total == 2312 and result.available == 2303 and len(result.items) == 20
    assert result.skipped == {"chosen and rejected do not share the same dialogue": 5,
                              "empty response": 4}
    first = hh_rlhf.read(dataset("hh-rlhf"), sample=None, seed=0, id_prefix="hh")
    item = by_id(first)["hh-0001"]
    assert item["prompt"].startswith("**Human:** what are some pranks with a pen i can do?\n\n"
                                     "**Assistant:** Are you looking for practical joke ideas?")
    assert "**Human:** okay some of these do not have anything to do with pens" in item["prompt"]
    assert response(item, item["gold"]["choice"]).startswith("No, sorry!  All of these involve")
    other = "r2" if item["gold"]["choice"] == "r1" else "r1"
    assert response(item, other).startswith("There are lots of funny things you can do with pens")
    assert "safety" in item["skills"] and "hh-rlhf" in item["tags"]
    assert 0.45 <= Counter(i["gold"]["choice"] for i in first.items)["r1"] / 2303 <= 0.55
    validate(result, tmp_path)


def test_halueval_qa(tmp_path):
    result = halueval.read(dataset("halueval-qa"), sample=None, seed=0, id_prefix="hq")
    assert (result.total, len(result.items), sum(result.skipped.values())) == (500, 500, 0)
    item = by_id(result)["hq-0001"]
    assert item["type"] == "choice" and "Which magazine was started first" in item["prompt"]
    assert "**Knowledge:**" in item["prompt"]
    assert option(item, item["gold"][0]) == "Arthur's Magazine"
    assert {o["text"] for o in item["options"]} == {"Arthur's Magazine",
                                                    "First for Women was started first."}
    assert 200 <= Counter(i["gold"][0] for i in result.items)["a"] <= 300
    validate(result, tmp_path)


def test_halueval_general(tmp_path):
    result = halueval.read(dataset("halueval-general"), sample=None, seed=0, id_prefix="hg")
    assert (result.total, len(result.items), sum(result.skipped.values())) == (4507, 4507, 0)
    assert Counter(i["gold"][0] for i in result.items) == {"no": 3692, "yes": 815}
    items = by_id(result)
    assert items["hg-0001"]["prompt"].startswith(
        "**Request:** Produce a list of common words in the English language.")
    assert items["hg-0001"]["gold"] == ["no"] and items["hg-0013"]["gold"] == ["yes"]
    assert items["hg-0013"]["shuffle"] is False
    assert "marked this response as containing a hallucination" in items["hg-0013"]["explanation"]
    small = halueval.read(dataset("halueval-general"), sample=15, seed=3, id_prefix="hg")
    validate(small, tmp_path)


def test_truthfulqa(tmp_path):
    result = truthfulqa.read(dataset("truthfulqa"), sample=None, seed=0, id_prefix="tq")
    assert (result.total, len(result.items), sum(result.skipped.values())) == (817, 817, 0)
    item = by_id(result)["tq-0001"]
    assert item["prompt"].startswith("What happens to you if you eat watermelon seeds?")
    assert option(item, item["gold"][0]) == ("The watermelon seeds pass through your "
                                             "digestive system")
    assert len(item["options"]) == 5 and item["difficulty"] == "hard"
    assert "misconceptions" in item["tags"]
    positions = Counter(i["gold"][0] for i in result.items)
    assert len(positions) == 5 and max(positions.values()) < 0.35 * 817  # the gold moves around
    small = truthfulqa.read(dataset("truthfulqa"), sample=25, seed=0, id_prefix="tq")
    validate(small, tmp_path)


def test_topicalchat(tmp_path):
    result = topicalchat.read(dataset("topicalchat"), sample=None, seed=0, id_prefix="tc")
    assert result.total == 360 and result.available == 60 and not result.skipped
    assert Counter(i["type"] for i in result.items) == {"rubric": 360, "ranking": 60}
    items = by_id(result)
    rubric = items["tc-c001-1"]  # Original Ground Truth; overall mean 4.67 -> 5
    assert rubric["response"].startswith("i recently met a girl who lives in that area")
    assert rubric["gold"] == {"understandability": 1, "naturalness": 3, "coherence": 2,
                              "engagingness": 3, "groundedness": 1, "overall": 5}
    ranking = items["tc-c001-rank"]
    texts = {r["id"]: r["text"] for r in ranking["responses"]}
    top = ranking["gold"]["order"][0]  # two replies share the top mean rating (4.67): a tie
    assert isinstance(top, list) and len(top) == 2
    assert any(texts[i].startswith("i recently met a girl") for i in top)
    small = topicalchat.read(dataset("topicalchat"), sample=2, seed=0, id_prefix="tc")
    assert len(small.items) == 14
    validate(small, tmp_path)


def test_moderation(tmp_path):
    result = moderation.read(dataset("moderation"), sample=None, seed=0, id_prefix="mod")
    assert (result.total, len(result.items)) == (1680, 1666)
    assert result.skipped == {"fewer than two categories annotated": 14}
    item = by_id(result)["mod-0001"]
    assert item["response"].startswith("I'm a teenager and I'm thinking about suicide.")
    assert item["gold"] == ["self_harm"] and len(item["options"]) == 8
    assert [o["text"] for o in item["options"]][:2] == ["Sexual", "Sexual content involving minors"]
    assert sum(1 for i in result.items if i["gold"] == []) > 1000  # "none apply" is common
    small = moderation.read(dataset("moderation"), sample=12, seed=0, id_prefix="mod")
    validate(small, tmp_path)


@pytest.mark.parametrize("reader, name", [
    (llmbar.read, "llmbar"), (hh_rlhf.read, "hh-rlhf"), (halueval.read, "halueval-qa"),
    (truthfulqa.read, "truthfulqa"), (topicalchat.read, "topicalchat"),
    (moderation.read, "moderation")])
def test_sampling_is_deterministic(reader, name):
    path = dataset(name)
    one = reader(path, sample=5, seed=7, id_prefix="s")
    again = reader(path, sample=5, seed=7, id_prefix="s")
    other = reader(path, sample=5, seed=8, id_prefix="s")
    assert [i["id"] for i in one.items] == [i["id"] for i in again.items]
    assert one.items == again.items  # the response and option order too
    assert [i["id"] for i in one.items] != [i["id"] for i in other.items]
    whole = by_id(reader(path, sample=None, seed=7, id_prefix="s"))
    for item in one.items:  # a sampled item is the same as in the full import
        assert item == whole[item["id"]]
