"""The item-type registry: one entry per type, looked up by the ``type`` field of a bank entry."""
from __future__ import annotations

from .base import ItemType

_TYPES: dict[str, ItemType] = {}


class UnknownItemType(LookupError):
    def __init__(self, name: object):
        super().__init__(f"unknown item type {name!r}; known types: {', '.join(sorted(_TYPES))}")
        self.name = name


def register(cls: type[ItemType]) -> type[ItemType]:
    """Class decorator: make ``cls`` available under ``cls.name``."""
    if cls.name in _TYPES:
        raise ValueError(f"item type {cls.name!r} is registered twice")
    _TYPES[cls.name] = cls()
    return cls


def get(name: object) -> ItemType:
    if not isinstance(name, str) or name not in _TYPES:
        raise UnknownItemType(name)
    return _TYPES[name]


def names() -> list[str]:
    return sorted(_TYPES)


def all_types() -> dict[str, ItemType]:
    return dict(_TYPES)
