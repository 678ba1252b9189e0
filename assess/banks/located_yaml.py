"""Read a YAML file into plain data and the line each mapping starts on, fast.

PyYAML's pure-Python loader took most of an import (about 90% of it for a 10,000-item bank).
``parse`` builds the data straight from libyaml's events instead, with PyYAML's own resolver
and scalar constructors, so the result is what ``yaml.safe_load`` gives. Anything this fast
path does not handle (a YAML error, explicit tags, merge keys, several documents, unhashable
keys) goes to ``LineLoader``, the pure-Python safe loader, so errors keep PyYAML's exact
messages and marks.
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

_CLoader = getattr(yaml, "CSafeLoader", None)
_STR = "tag:yaml.org,2002:str"
_SUPPORTED = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
                        "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null",
                        "tag:yaml.org,2002:timestamp"})


class LineLoader(yaml.SafeLoader):
    """A safe loader that remembers the line each mapping starts on."""

    def __init__(self, stream):
        super().__init__(stream)
        self.lines: dict[int, int] = {}

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        self.lines[id(mapping)] = node.start_mark.line + 1
        return mapping


LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True))


class _Unsupported(ValueError):
    """Left to the pure-Python loader."""


def parse(text: str) -> tuple[Any, dict[int, int], dict[int, dict[Any, int]]]:
    """The document's data, ``{id(mapping): line}`` (1-based) for every mapping in it, and
    ``{id(mapping): {key: line}}`` (empty when the pure-Python loader read the file). Raises
    ``yaml.YAMLError`` as ``yaml.safe_load`` would."""
    if _CLoader is not None:
        try:
            return fast_parse(text, key_lines=True)
        except (_Unsupported, yaml.YAMLError):
            pass  # the slow loader gives the exact error, or handles what we do not
    loader = LineLoader(text)
    try:
        return loader.get_single_data(), loader.lines, {}
    finally:
        loader.dispose()


def fast_parse(text: str, *, key_lines: bool = False
               ) -> tuple[Any, dict[int, int], dict[int, dict[Any, int]]]:
    """``parse`` through libyaml only; with ``key_lines``, also ``{id(mapping): {key: line}}``.
    Raises ``_Unsupported`` (or ``yaml.YAMLError``) where ``parse`` falls back."""
    if _CLoader is None:
        raise _Unsupported("libyaml is not available")
    loader = _CLoader(text)
    try:
        return _build(loader, key_lines)
    finally:
        loader.dispose()


def _build(loader: Any, key_lines: bool) -> tuple[Any, dict[int, int], dict[int, dict]]:
    lines: dict[int, int] = {}
    keys: dict[int, dict] = {}
    anchors: dict[str, Any] = {}
    # Open containers: [container, is_mapping, key, has_key]
    stack: list[list] = []
    root: Any = None
    documents = 0
    while True:
        event = loader.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            value = _scalar(loader, event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None and event.tag != "!":
                raise _Unsupported("explicit tag")
            mapping = kind is MappingStartEvent
            container: Any = {} if mapping else []
            if mapping:
                lines[id(container)] = event.start_mark.line + 1
                if key_lines:
                    keys[id(container)] = {}
            if event.anchor is not None:
                anchors[event.anchor] = container
            stack.append([container, mapping, None, False])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
        elif kind is AliasEvent:
            if event.anchor not in anchors:
                raise _Unsupported("unknown alias")
            value = anchors[event.anchor]
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unsupported("several documents")
            continue
        elif kind is StreamEndEvent:
            return root, lines, keys
        else:
            continue  # stream start, document end
        if kind is ScalarEvent and event.anchor is not None:
            anchors[event.anchor] = value
        if not stack:
            root = value
            continue
        frame = stack[-1]
        if not frame[1]:
            frame[0].append(value)
        elif frame[3]:
            frame[0][frame[2]] = value
            frame[3] = False
        else:
            if isinstance(value, (dict, list)):
                raise _Unsupported("unhashable key")
            frame[2], frame[3] = value, True
            if key_lines:
                keys[id(frame[0])][value] = event.start_mark.line + 1


def _scalar(loader: Any, event: ScalarEvent) -> Any:
    """The scalar's value as PyYAML's safe constructor builds it."""
    tag, value = event.tag, event.value
    if tag is not None and tag != "!":
        raise _Unsupported("explicit tag")
    if not event.implicit[0]:
        return value  # quoted or block: a string
    resolvers = loader.yaml_implicit_resolvers
    if value and value[0] not in resolvers and None not in resolvers:
        return value
    tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
    if tag == _STR:
        return value
    if tag not in _SUPPORTED:
        raise _Unsupported(tag)  # merge keys ("<<"), "=" values
    node = yaml.ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
    return loader.yaml_constructors[tag](loader, node)
