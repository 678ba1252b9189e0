"""Bank-entry schemas: every type's fields as JSON Schema, and the errors worded as the loader
reports them (one per path, the most specific, with no echo from the cross-field checks)."""
from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from assess.items import FieldError, ItemType, all_types, get
from assess.items.schema import Sound, entry_schema, in_field_order, validator_for


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
