"""What every registered item type provides beyond validating, showing and grading: the key's
answer, a writer's answer, the linter's facts and the distractor table. Parametrised over the
registry, on each type's sample and on every item of the shipped banks, so a new type is held
to the same contract without editing this file."""
import dataclasses

import pytest
import yaml
from helpers import SHIPPED_BANKS

from assess.core import item_analysis as ia
from assess.items import ItemType, LintFacts, all_types, get, names
from assess.items.base import WRITING, written_text

SHIPPED = [entry for path in sorted(SHIPPED_BANKS.rglob("*.yaml"))
           for data in [yaml.safe_load(path.read_text(encoding="utf-8"))]
           if isinstance(data, dict) for entry in data.get("items") or ()]
ENTRIES = [kind.sample for kind in all_types().values()] + SHIPPED


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_the_key_answer_earns_every_auto_graded_point(entry):
    kind = get(entry["type"])
    key = kind.key_answer(entry)
    assert not kind.human_parts(entry, key)  # written parts left empty
    graded = kind.grade(entry, kind.parse_answer(entry, key))
    assert graded.points == graded.max_points
    if graded.max_points:
        assert graded.detail["answered"] and graded.fraction == 1


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_a_writers_answer_is_complete_and_fills_every_scored_part(entry):
    kind = get(entry["type"])
    key = kind.key_answer(entry)
    answer = kind.with_writing(entry, key)
    assert {k: v for k, v in answer.items() if k in key} == key  # the keyed part is kept
    parsed = kind.parse_answer(entry, answer)
    assert kind.is_complete(entry, parsed)
    written = {part.part for part in kind.human_parts(entry, parsed)}
    assert {slot.part for slot in kind.scored_parts(entry)} <= written
    assert kind.with_writing(entry, key) == answer  # deterministic
    assert key == kind.key_answer(entry)  # the key's answer is not changed in place


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["id"])
def test_lint_facts_are_well_formed(entry):
    kind = get(entry["type"])
    facts = kind.lint_facts(entry)
    assert isinstance(facts, LintFacts)
    assert facts.texts and all(isinstance(t, str) for t in facts.texts)
    assert entry["prompt"] in facts.texts
    if facts.key_position:
        assert set(facts.key_position.key) <= set(facts.key_position.listed)
        assert set(facts.key_position.sides) <= {"first", "last"}
    if facts.pick:
        key, listed = facts.pick
        assert key in dict(listed)
    if facts.fixed_order and facts.fixed_order.key_index is not None:
        assert 0 <= facts.fixed_order.key_index < len(facts.fixed_order.texts)
    if facts.lettered:
        assert facts.lettered_noun


@pytest.mark.parametrize("name", names())
def test_type_level_lint_rules_name_real_shortcuts(name):
    kind = get(name)
    shortcuts = kind.shortcuts(kind.sample, kind.presentations(kind.sample)[0])
    for rule in kind.constant_answer_rules:
        assert set(rule.strategies) <= set(shortcuts), rule.rule
        rule.how.format(phrase="x", strategy="y")
    if kind.empty_key is not None:
        assert kind.empty_key.strategy in shortcuts


@pytest.mark.parametrize("name", names())
def test_a_type_with_a_distractor_table_gives_one(name):
    kind = get(name)
    key = kind.parse_answer(kind.sample, kind.key_answer(kind.sample))
    picks = kind.distractors(kind.sample, [ia.Shown(key), ia.Shown(None)])
    assert bool(picks) == kind.has_distractors
    assert all(isinstance(p, ia.Pick) for p in picks)
    assert any(p.correct and p.count for p in picks) == kind.has_distractors
    assert ia.distractors(kind.sample, [ia.Shown(key)]) == \
        kind.distractors(kind.sample, [ia.Shown(key)])
    assert (name in ia.DISTRACTORS) == kind.has_distractors


def test_written_text_reaches_the_minimum_and_keeps_the_maximum():
    assert written_text() == WRITING
    assert len(written_text(100)) >= 100 and written_text(100) == written_text(100).strip()
    assert written_text(100, 60) == written_text(100)[:60].rstrip()
    assert written_text(0, 10, text="  Short.  ") == "Short."


def test_the_default_key_answer_comes_from_the_answer_space():
    """A type that lists its answers need not write key_answer: the default finds one that
    earns every point."""
    choice = type(get("choice"))
    plain = type("PlainChoice", (choice,), {"name": "plain-choice",
                                            "key_answer": ItemType.key_answer})()
    sample = {**choice.sample, "type": "plain-choice", "gold": ["safety"]}
    assert plain.key_answer(sample) == {"selected": ["safety"]}


def test_lint_facts_default_to_the_prompt_and_response():
    facts = ItemType.lint_facts(get("rewrite"), {"prompt": "P", "response": "R"})
    assert facts == dataclasses.replace(LintFacts(), texts=("P", "R"))
