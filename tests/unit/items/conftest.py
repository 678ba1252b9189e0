"""Shared fixtures for the item-type unit tests: no Flask app, plain dicts in and out.

Each test module defines ``ENTRY``, a valid bank entry. The ``entry`` fixture hands out a fresh
deep copy of it (a test may change it in place before using the other fixtures), and the other
fixtures work on the item type named by its ``type``.
"""
from __future__ import annotations

import copy
import json
import random

import pytest

from assess.items import AnswerError, get


def _apply(entry, dotted: str, value) -> None:
    """Set ``a.b.0.c`` (numbers index lists) to ``value``; ``None`` removes a key."""
    *parents, last = dotted.split(".")
    target = entry
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, list):
        target[int(last)] = value
    elif value is None:
        target.pop(last, None)
    else:
        target[last] = value


@pytest.fixture
def entry(request):
    return copy.deepcopy(request.module.ENTRY)


@pytest.fixture
def kind(entry):
    return get(entry["type"])


@pytest.fixture
def mistake(kind, entry):
    """``mistake(changes, path, *words)``: after ``changes`` (see ``_apply``), validation reports
    an error at exactly ``path`` whose message mentions every one of ``words``."""
    def check(changes: dict, path: str, *words: str):
        bad = copy.deepcopy(entry)
        for dotted, value in changes.items():
            _apply(bad, dotted, value)
        errors = kind.validate(bad)
        messages = [e.message for e in errors if e.path == path]
        assert messages, f"no error at {path!r}; got {errors}"
        for word in words:
            assert any(word in m for m in messages), f"{word!r} not in {messages}"
        return errors
    return check


@pytest.fixture
def rejects(kind, entry):
    """``rejects(raw)``: the ``field`` of the AnswerError that parsing ``raw`` raises."""
    def field(raw) -> str:
        with pytest.raises(AnswerError) as caught:
            kind.parse_answer(entry, raw)
        return caught.value.field
    return field


@pytest.fixture
def grade(kind, entry):
    """``grade(raw)``: parse a raw answer as the web layer would, then auto-grade it."""
    return lambda raw: kind.grade(entry, kind.parse_answer(entry, raw))


@pytest.fixture
def shown(kind, entry):
    """``shown(seed)``: the public view, as JSON, of an attempt whose presentation used ``seed``."""
    def view(seed: int = 0) -> str:
        return json.dumps(kind.public_view(entry, kind.presentation(entry, random.Random(seed))))
    return view


@pytest.fixture
def orders(kind, entry):
    """``orders()``: ``presentation["order"]`` for 20 seeds, each checked to be deterministic
    (the same seed gives the same presentation) and JSON-serialisable."""
    def collect() -> list[tuple]:
        found = []
        for seed in range(20):
            first = kind.presentation(entry, random.Random(seed))
            assert first == kind.presentation(entry, random.Random(seed))
            json.dumps(first)
            found.append(tuple(first["order"]))
        return found
    return collect
