"""Bank-entry schemas: every type's fields as JSON Schema, and the errors worded as the loader
reports them (one per path, the most specific, with no echo from the cross-field checks)."""
from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from assess.items import FieldError, ItemType, all_types, get
from assess.items.schema import (
    EntryValidator,
    Sound,
    entry_schema,
    in_field_order,
    validator_for,
)
from assess.items.schema_accept import acceptor


@pytest.mark.parametrize("name", sorted(all_types()))
def test_each_type_declares_a_valid_2020_12_schema_compiled_once(name):
    kind = get(name)
    schema = entry_schema(kind.schema)
    Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert {"explanation", "justification", "points"} <= set(schema["properties"])
    assert validator_for(type(kind), kind.schema) is validator_for(type(kind), kind.schema)
    assert kind.validate(copy.deepcopy(kind.sample)) == []


class Plugin(ItemType):
    name = "plugin-example"  # never registered
    label = "An example"
    schema = {"properties": {"prompt": {"type": "string"}, "size": {"type": "integer"}},
              "required": ["prompt"]}


def test_a_type_declares_only_its_own_fields():
    errors = Plugin().validate({"prompt": "Hi", "size": 2, "explanation": "x", "colour": 1})
    assert errors == [FieldError("colour", "is not a field of this item type; allowed: "
                                           "difficulty, explanation, id, justification, "
                                           "points, prompt, size, skills, tags, title, type")]
    assert Plugin().validate({"explanation": "x"}) == [
        FieldError("prompt", "is required: expected a string")]


@pytest.mark.parametrize("size, got", [(2.0, "number 2.0"), (True, "boolean True"),
                                       ("2", "string '2'")])
def test_integers_are_whole_numbers_not_floats_or_booleans(size, got):
    errors = Plugin().validate({"prompt": "Hi", "size": size, "explanation": "x"})
    assert errors == [FieldError("size", f"expected an integer, got {got}")]


def test_one_message_per_path_the_most_specific():
    entry = {"prompt": "Hi", "explanation": "x", "title": " " * 300}
    assert Plugin().validate(entry) == [
        FieldError("title", f"expected a non-empty string, got string {' ' * 40!r}")]


def test_errors_come_in_field_order_unknown_keys_first():
    entry = {"type": "plugin-example", "size": "big", "title": 3, "oops": 1}
    assert [e.path for e in Plugin().validate(entry)] == ["oops", "title", "explanation",
                                                          "prompt", "size"]


def test_cross_field_checks_read_only_what_the_schema_accepted():
    kind = get("choice")
    entry = copy.deepcopy(kind.sample)
    entry["options"] = [{"id": str(i), "text": "x"} for i in range(11)]  # at most 10
    entry["gold"] = "nowhere"  # not reported: there are no valid options to compare with
    assert [e.path for e in kind.validate(entry)] == ["options"]


def test_a_part_is_sound_when_nothing_is_reported_at_under_or_above_it():
    sound = Sound([FieldError("gold[1].text", "x"), FieldError("prompt", "y")])
    assert not sound("gold") and not sound("gold[1]") and not sound("gold[1].text.more")
    assert sound("gold[0]") and sound("gold[10]") and sound("prompts") and sound("options")


def test_in_field_order_is_stable_within_a_field():
    errors = [FieldError("gold[1]", "b"), FieldError("prompt", "p"), FieldError("gold[0]", "a")]
    ordered = in_field_order(errors, get("labels").schema)
    assert [e.message for e in ordered] == ["p", "b", "a"]


# ---- the fast acceptor: the same verdict as jsonschema -----------------------------------------

_ODD_VALUES = [None, "", " ", "\n", "x", 0, 1, -1, 2, 11, 101, 1.5, 3.0, True, False, [], {},
               ["x"], [{}], {"id": "a"}, {"text": "t"}, {"id": "a", "text": "b"}, "easy",
               "code", "a" * 2001, [1, 2], {"text": " "}, {"text": "q", "occurrence": 0}]


def _paths(value, path=()):
    yield path
    children = value.items() if isinstance(value, dict) else \
        enumerate(value) if isinstance(value, list) else ()
    for key, child in children:
        yield from _paths(child, (*path, key))


def _mutated(entry: dict, rng: random.Random) -> dict:
    """``entry`` with one to three random changes: a field dropped, added or set to an odd
    value, or a list entry repeated."""
    entry = copy.deepcopy(entry)
    for _ in range(rng.randint(1, 3)):
        path = rng.choice([p for p in _paths(entry) if p])
        parent = entry
        for key in path[:-1]:
            parent = parent[key]
        roll = rng.random()
        if roll < 0.25 and isinstance(parent, dict):
            del parent[path[-1]]
        elif roll < 0.35 and isinstance(parent, dict):
            parent[rng.choice(["extra", "text", "id", "occurrence", "min_chars"])] = \
                copy.deepcopy(rng.choice(_ODD_VALUES))
        elif roll < 0.42 and isinstance(parent, list):
            parent.append(copy.deepcopy(rng.choice(parent)))
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(_ODD_VALUES))
    return entry


def test_the_acceptor_agrees_with_jsonschema_on_every_entry():
    entries = yaml.safe_load((Path(__file__).parents[3] / "question_banks" / "starter.yaml")
                             .read_text(encoding="utf-8"))["items"]
    entries += [{**copy.deepcopy(get(name).sample), "type": name} for name in all_types()]
    rng = random.Random(20261205)
    verdicts = set()
    for i in range(6000):
        entry = rng.choice(entries)
        kind = get(entry["type"])
        validator = validator_for(type(kind), kind.schema)
        candidate = copy.deepcopy(entry) if i % 5 == 0 else _mutated(entry, rng)
        valid = next(iter(validator.iter_errors(candidate)), None) is None
        assert acceptor(entry_schema(kind.schema))(candidate) is valid, candidate
        verdicts.add(valid)
    assert verdicts == {True, False}


@pytest.mark.parametrize("name", sorted(all_types()))
def test_every_built_in_schema_is_compiled(name):
    assert acceptor(entry_schema(get(name).schema)) is not None


@pytest.mark.parametrize("schema", [
    {"type": "string", "format": "email"}, {"properties": {"a": {"$ref": "#/$defs/x"}}},
    {"enum": [1, 2]}, {"items": [{"type": "string"}]}, {"patternProperties": {"^x": {}}},
    {"type": "decimal"}, {"required": "a"},
])
def test_a_keyword_not_compiled_leaves_the_verdict_to_jsonschema(schema):
    assert acceptor(schema) is None


@pytest.mark.parametrize("schema,instance,valid", [
    ({"type": "integer"}, 3.0, False), ({"type": "integer"}, True, False),
    ({"type": "number", "minimum": 0}, -0.5, False), ({"minimum": 0}, "text", True),
    ({"maxLength": 2}, "abc", False), ({"maxLength": 2}, ["a", "b", "c"], True),
    ({"pattern": r"\S"}, "  ", False), ({"pattern": r"\S"}, 5, True),
    ({"enum": ["a", "b"]}, "b", True), ({"enum": ["a"]}, ["a"], False),
    ({"if": {"type": "object"}, "then": {"required": ["text"]}, "else": {"type": "string"}},
     {"occurrence": 1}, False),
    ({"if": {"type": "object"}, "then": {"required": ["text"]}, "else": {"type": "string"}},
     "passage", True),
    ({"additionalProperties": False, "properties": {"a": {}}}, {"a": 1, "b": 2}, False),
    ({"additionalProperties": {"type": "string"}}, {"a": "x", "b": 2}, False),
    ({"required": ["a"]}, {1: "a"}, False), ({"items": {"type": "string"}}, ["a", 1], False),
    ({"minItems": 1, "maxItems": 2}, [], False), ({"properties": {"a": False}}, {"a": 1}, False),
])
def test_the_acceptor_follows_each_keyword(schema, instance, valid):
    assert acceptor(schema)(instance) is valid
    errors = list(EntryValidator(schema).iter_errors(instance))
    assert (not errors) is valid
