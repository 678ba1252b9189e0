"""A fast answer to whether a bank entry passes its type's JSON Schema, so that ``jsonschema``
(whose errors give the messages) runs only on entries that have a problem.

``acceptor(schema)`` compiles a schema into a predicate that holds exactly when the entry
validator (``schema.EntryValidator``: Draft 2020-12, an integer is never a float or a bool)
reports no error, by the same rules, keyword by keyword, as ``jsonschema``'s own. Only the
keywords the bank schemas use are compiled: a schema with any other keyword gets no acceptor
(``None``), and a predicate that raises counts as a refusal, so in any doubt ``jsonschema``
decides.
"""
from __future__ import annotations

import numbers
import re
from typing import Any, Callable, Mapping

Predicate = Callable[[Any], bool]

_ANNOTATIONS = frozenset({"$schema", "$comment", "title", "description", "examples",
                          "default"})


class _Unsupported(Exception):
    """The schema uses a keyword (or a form of one) this module does not compile."""


def acceptor(schema: Any) -> Predicate | None:
    """A predicate true exactly for the instances ``schema`` accepts; None when the schema
    uses something not compiled here."""
    try:
        check = _compile(schema)
    except _Unsupported:
        return None

    def accepts(instance: Any) -> bool:
        try:
            return check(instance)
        except Exception:  # whatever jsonschema makes of it, it says it
            return False
    return accepts


def _compile(schema: Any) -> Predicate:
    if schema is True:
        return lambda instance: True
    if schema is False:
        return lambda instance: False
    if not isinstance(schema, Mapping):
        raise _Unsupported(schema)
    checks = []
    for keyword, value in schema.items():
        if keyword in _ANNOTATIONS or keyword in ("then", "else"):  # "then", "else": by "if"
            continue
        compile_keyword = _KEYWORDS.get(keyword)
        if compile_keyword is None:
            raise _Unsupported(keyword)
        checks.append(compile_keyword(value, schema))
    if len(checks) == 1:
        return checks[0]

    def every(instance: Any) -> bool:
        for check in checks:
            if not check(instance):
                return False
        return True
    return every


def _is_number(instance: Any) -> bool:
    return isinstance(instance, numbers.Number) and not isinstance(instance, bool)


_TYPES: dict[str, Predicate] = {
    "string": lambda instance: isinstance(instance, str),
    "integer": lambda instance: isinstance(instance, int) and not isinstance(instance, bool),
    "number": _is_number,
    "object": lambda instance: isinstance(instance, dict),
    "array": lambda instance: isinstance(instance, list),
    "boolean": lambda instance: isinstance(instance, bool),
    "null": lambda instance: instance is None,
}


def _type(value: Any, schema: Mapping) -> Predicate:
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, list) or not names or any(name not in _TYPES for name in names):
        raise _Unsupported("type")
    kinds = [_TYPES[name] for name in names]
    if len(kinds) == 1:
        return kinds[0]
    return lambda instance: any(kind(instance) for kind in kinds)


def _properties(value: Any, schema: Mapping) -> Predicate:
    if not isinstance(value, Mapping):
        raise _Unsupported("properties")
    checks = [(name, _compile(subschema)) for name, subschema in value.items()]

    def check(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for name, accepts in checks:
            if name in instance and not accepts(instance[name]):
                return False
        return True
    return check


def _required(value: Any, schema: Mapping) -> Predicate:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise _Unsupported("required")
    return lambda instance: not isinstance(instance, dict) or all(
        name in instance for name in value)


def _additional_properties(value: Any, schema: Mapping) -> Predicate:
    if "patternProperties" in schema:
        raise _Unsupported("patternProperties")
    known = schema.get("properties", {})
    if value is False:
        return lambda instance: not isinstance(instance, dict) or all(
            name in known for name in instance)
    accepts = _compile(value)
    return lambda instance: not isinstance(instance, dict) or all(
        accepts(instance[name]) for name in instance if name not in known)


def _items(value: Any, schema: Mapping) -> Predicate:
    if "prefixItems" in schema or value is False:
        raise _Unsupported("items")
    accepts = _compile(value)
    return lambda instance: not isinstance(instance, list) or all(map(accepts, instance))


def _if(value: Any, schema: Mapping) -> Predicate:
    condition = _compile(value)
    then = _compile(schema.get("then", True))
    otherwise = _compile(schema.get("else", True))
    return lambda instance: then(instance) if condition(instance) else otherwise(instance)


def _enum(value: Any, schema: Mapping) -> Predicate:
    # jsonschema compares a string option with ==; other options need its own equality.
    if not isinstance(value, list) or not all(isinstance(option, str) for option in value):
        raise _Unsupported("enum")
    return lambda instance: any(option == instance for option in value)


def _pattern(value: Any, schema: Mapping) -> Predicate:
    search = re.compile(value).search
    return lambda instance: not isinstance(instance, str) or search(instance) is not None


def _bound(value: Any, applies: Predicate, measure: Callable[[Any], Any],
           within: Callable[[Any, Any], bool]) -> Predicate:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Unsupported(value)
    return lambda instance: not applies(instance) or within(measure(instance), value)


def _string(instance: Any) -> bool:
    return isinstance(instance, str)


def _array(instance: Any) -> bool:
    return isinstance(instance, list)


def _same(instance: Any) -> Any:
    return instance


def _at_least(found: Any, limit: Any) -> bool:
    return not found < limit


def _at_most(found: Any, limit: Any) -> bool:
    return not found > limit


_KEYWORDS: dict[str, Callable[[Any, Mapping], Predicate]] = {
    "type": _type,
    "properties": _properties,
    "required": _required,
    "additionalProperties": _additional_properties,
    "items": _items,
    "if": _if,
    "enum": _enum,
    "pattern": _pattern,
    "minLength": lambda value, schema: _bound(value, _string, len, _at_least),
    "maxLength": lambda value, schema: _bound(value, _string, len, _at_most),
    "minItems": lambda value, schema: _bound(value, _array, len, _at_least),
    "maxItems": lambda value, schema: _bound(value, _array, len, _at_most),
    "minimum": lambda value, schema: _bound(value, _is_number, _same, _at_least),
    "maximum": lambda value, schema: _bound(value, _is_number, _same, _at_most),
}
