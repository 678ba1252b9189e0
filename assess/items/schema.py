"""Bank-entry schemas: the JSON Schema (2020-12) fragments item types declare their fields with,
the schema of the fields every item shares, and ``jsonschema`` errors turned into
``FieldError``s worded as the bank loader reports them.

A type's ``ItemType.schema`` lists its own top-level fields (``properties``, ``required``);
``entry_schema`` adds the shared ones and refuses any other key. A fragment's ``description``
names what is expected ("a mapping with id and text"): messages read "expected <that>, got
<what was found>". What a schema cannot say (gold ids that must be option ids, unique ids, a
gold list when ``multiple`` is false) is checked by the type's ``validate_fields``, which reads
only the parts the schema accepted (``Sound``) so that one mistake is reported once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, Sequence

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from .answers import MAX_TEXT_ANSWER
from .schema_accept import Predicate, acceptor

MAX_TEXT = 50_000
NON_EMPTY = r"\S"  # with ``pattern``: a string that is not only spaces
DIFFICULTIES = ("easy", "medium", "hard")


@dataclass(frozen=True)
class FieldError:
    """A problem with one field of a bank entry. ``path`` is like ``responses[1].text``."""

    path: str
    message: str


def describe(value: Any) -> str:
    """What a value is, for "expected ..., got <this>"."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"boolean {value}"
    if isinstance(value, str):
        return f"string {value[:40]!r}"
    if isinstance(value, (int, float)):
        return f"number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


# ---- fragments ---------------------------------------------------------------------------------

def text(max_length: int = MAX_TEXT) -> dict[str, Any]:
    """A string with something besides spaces."""
    return {"type": "string", "pattern": NON_EMPTY, "maxLength": max_length}


def integer(minimum: int | None = None, maximum: int | None = None) -> dict[str, Any]:
    return _bounded("integer", minimum, maximum)


def number(minimum: float | None = None, maximum: float | None = None) -> dict[str, Any]:
    return _bounded("number", minimum, maximum)


def _bounded(kind: str, minimum: float | None, maximum: float | None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": kind}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return schema


def one_of(*options: Any) -> dict[str, Any]:
    return {"enum": list(options)}


def identified(min_items: int, max_items: int | None = None, text_key: str = "text",
               **more: Any) -> dict[str, Any]:
    """A list of mappings, each with an ``id`` and a ``text_key`` text (responses, options,
    claims, dimensions); more properties, and ``additionalProperties``, as keywords. Unique
    ids are a cross-field check (``unique_ids``)."""
    entry: dict[str, Any] = {
        "type": "object", "description": f"a mapping with id and {text_key}",
        "properties": {"id": TEXT, text_key: TEXT, **more.pop("properties", {})},
        "required": ["id", text_key], **more}
    schema: dict[str, Any] = {"type": "array", "minItems": min_items, "items": entry}
    if max_items is not None:
        schema["maxItems"] = max_items
    return schema


TEXT = text()
BOOLEAN = {"type": "boolean"}
MAPPING = {"type": "object"}
LIST = {"type": "array"}

COMMON: dict[str, Any] = {
    "properties": {
        "id": {"type": "string"},  # a slug unique in its bank: the loader checks it
        "type": {"type": "string"},  # the registry checks it
        "title": text(200),
        "skills": {"type": "array", "items": TEXT},
        "tags": {"type": "array", "items": TEXT},
        "difficulty": one_of(*DIFFICULTIES),
        "points": number(0, 100),
        "explanation": TEXT,
        "justification": {
            "type": "object",
            "properties": {"prompt": TEXT, "rubric": TEXT, "required": BOOLEAN,
                           "min_chars": integer(0), "max_chars": integer(1, MAX_TEXT_ANSWER)},
            "required": ["prompt", "rubric"],
            "additionalProperties": False,
        },
    },
    "required": ["explanation"],
}


def entry_schema(own: Mapping[str, Any]) -> dict[str, Any]:
    """The schema of a whole bank entry: the shared fields, a type's own (``own``: its
    ``properties``, ``required`` and any other keyword) and no other key."""
    rest = {key: value for key, value in own.items() if key not in ("properties", "required")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {**COMMON["properties"], **own.get("properties", {})},
        "required": [*COMMON["required"], *own.get("required", ())],
        **rest,
    }


# ---- validation --------------------------------------------------------------------------------

def _is_integer(checker: Any, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


# Draft 2020-12 counts 3.0 as an integer; a bank's scale bound or character limit must be an int.
EntryValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer))

_compiled: dict[type, Validator] = {}
# By id of a validator in ``_compiled`` (kept for good, so the id is never reused): the
# ``schema_accept`` predicate of its schema, or None when the schema is not compiled there.
_acceptors: dict[int, Predicate | None] = {}


def validator_for(owner: type, own: Mapping[str, Any]) -> Validator:
    """The compiled validator of ``entry_schema(own)``, built (and the schema checked) once
    per ``owner``, the item type class."""
    found = _compiled.get(owner)
    if found is None:
        schema = entry_schema(own)
        EntryValidator.check_schema(schema)
        found = _compiled[owner] = EntryValidator(schema)
        _acceptors[id(found)] = acceptor(schema)
    return found


def schema_errors(validator: Validator, entry: Any) -> list[FieldError]:
    """What the schema refuses in ``entry``: the most specific message for each path."""
    accepts = _acceptors.get(id(validator))
    if accepts is not None and accepts(entry):  # valid: no need to collect errors
        return []
    best: dict[str, tuple[int, FieldError]] = {}
    for error in validator.iter_errors(entry):
        rank = _RANK.get(str(error.validator), len(_RANK))
        for problem in _translate(error):
            if problem.path not in best or rank < best[problem.path][0]:
                best[problem.path] = (rank, problem)
    return [problem for _, problem in best.values()]


_RANK = {keyword: rank for rank, keyword in enumerate((
    "required", "additionalProperties", "type", "enum", "const", "pattern", "minLength",
    "maxLength", "minItems", "maxItems", "minimum", "maximum"))}


def _translate(error: ValidationError) -> list[FieldError]:
    path, schema = render(error.absolute_path), error.schema
    value: Any = error.instance
    if not isinstance(schema, Mapping):
        return [FieldError(path, error.message)]
    limit: Any = error.validator_value
    if error.validator == "required":
        properties = schema.get("properties", {})
        return [FieldError(join(path, key), f"is required: expected "
                                            f"{expected(properties.get(key, {}))}")
                for key in limit if key not in value]
    if error.validator == "additionalProperties":
        allowed = schema.get("properties", {})
        return [FieldError(join(path, key), f"is not a field of this item type; allowed: "
                                            f"{', '.join(sorted(allowed))}")
                for key in value if key not in allowed]
    messages = {
        "maxLength": lambda: f"is {len(value)} characters long; at most {limit} allowed",
        "minimum": lambda: f"expected at least {limit}, got {value}",
        "maximum": lambda: f"expected at most {limit}, got {value}",
        "minItems": lambda: f"expected at least {limit} entries, got {len(value)}",
        "maxItems": lambda: f"expected at most {limit} entries, got {len(value)}",
    }
    if error.validator in messages:
        return [FieldError(path, messages[str(error.validator)]())]
    if error.validator in ("type", "enum", "const", "pattern", "minLength"):
        return [FieldError(path, f"expected {expected(schema)}, got {describe(value)}")]
    return [FieldError(path, error.message)]


_NOUNS = {"integer": "an integer", "number": "a number", "boolean": "true or false",
          "object": "a mapping", "array": "a list", "null": "nothing"}


def expected(schema: Mapping[str, Any]) -> str:
    """What a fragment accepts, in words: its ``description``, else from its keywords."""
    if "description" in schema:
        return str(schema["description"])
    if "enum" in schema:
        return "one of " + ", ".join(repr(option) for option in schema["enum"])
    if "const" in schema:
        return repr(schema["const"])
    kinds = schema.get("type") or []
    nouns = [("a non-empty string" if schema.get("pattern") == NON_EMPTY else "a string")
             if kind == "string" else _NOUNS.get(kind, kind)
             for kind in ([kinds] if isinstance(kinds, str) else kinds)]
    return " or ".join(nouns) or "something else"


def render(path: Iterable[str | int]) -> str:
    """``["responses", 1, "text"]`` -> ``responses[1].text``."""
    out = ""
    for part in path:
        out = join(out, part)
    return out


def in_field_order(errors: Iterable[FieldError], own: Mapping[str, Any]) -> list[FieldError]:
    """``errors`` by the position of their top-level field in ``entry_schema(own)``, unknown
    keys first; in the order given within a field."""
    fields = [*COMMON["properties"], *own.get("properties", {})]
    order = {name: i for i, name in reversed(list(enumerate(fields)))}
    return sorted(errors, key=lambda error: order.get(top_field(error.path), -1))


def top_field(path: str) -> str:
    """``responses[1].text`` -> ``responses``."""
    return path.split(".", 1)[0].split("[", 1)[0]


def join(path: str, part: str | int) -> str:
    if isinstance(part, int):
        return f"{path}[{part}]"
    return f"{path}.{part}" if path else str(part)


# ---- cross-field checks ------------------------------------------------------------------------

class Sound:
    """Whether a part of an entry passed the schema: nothing was reported at its path, under
    it or above it (a required part is then there). Cross-field checks read only sound parts,
    so that a mistake the schema reports is not reported again as a broken reference."""

    def __init__(self, errors: Iterable[FieldError]):
        self._paths = frozenset(error.path for error in errors)

    def __call__(self, path: str) -> bool:
        return not any(_within(found, path) or _within(path, found) for found in self._paths)


def _within(path: str, part: str) -> bool:
    """``path`` is ``part`` or under it."""
    return path == part or path.startswith((f"{part}.", f"{part}["))


def unique_ids(entry: Mapping, key: str) -> tuple[list[str], list[FieldError]]:
    """The ids of the list of mappings ``entry[key]`` (sound: see ``identified``), each once,
    and an error for each repeat."""
    ids: list[str] = []
    errors = []
    for i, value in enumerate(entry[key]):
        if value["id"] in ids:
            errors.append(FieldError(f"{key}[{i}].id", f"duplicate id {value['id']!r}"))
        else:
            ids.append(value["id"])
    return ids, errors


def id_list_errors(values: Sequence[Any], path: str, ids: Sequence[str],
                   what: str = "option") -> Iterator[FieldError]:
    """The problems of a gold list of ids: each must be one of ``ids`` and listed once."""
    seen: set[str] = set()
    for i, value in enumerate(values):
        if not isinstance(value, str) or value not in ids:
            yield FieldError(f"{path}[{i}]", f"unknown {what} id {describe(value)}; "
                                             f"expected one of {', '.join(ids)}")
        elif value in seen:
            yield FieldError(f"{path}[{i}]", f"{what} {value!r} is listed more than once; "
                                             f"list each id once")
        else:
            seen.add(value)


def shared_field_errors(entry: Mapping, sound: Sound) -> Iterator[FieldError]:
    """Cross-field checks of the shared fields: a justification's character bounds."""
    justification = entry.get("justification")
    if isinstance(justification, Mapping) and sound("justification"):
        yield from char_bounds_errors(justification, "justification.")


def char_bounds_errors(part: Mapping, prefix: str = "",
                       default_max: int | None = None) -> Iterator[FieldError]:
    """``min_chars`` must not be more than ``max_chars`` (or ``default_max`` without one)."""
    low, high = part.get("min_chars"), part.get("max_chars", default_max)
    if low is not None and high is not None and low > high:
        yield FieldError(f"{prefix}min_chars", f"{low} is more than max_chars {high}")
