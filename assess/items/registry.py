"""The item-type registry: one entry per type, looked up by the ``type`` field of a bank entry.

Types are discovered through the Python entry-point group ``assess.item_types``
(``discover``). This package declares one entry point, ``builtin = "assess.items.builtin"``,
whose module imports every module of ``assess.items`` and lists the ``ItemType`` subclasses
they define, so a new module in this package is picked up without editing this file or
``pyproject.toml``. A separate package adds its own types with its own entry point in the
same group, naming a module (every ``ItemType`` subclass it defines, or those it lists in
``ITEM_TYPES``) or one ``ItemType`` subclass::

    [project.entry-points."assess.item_types"]
    hotspot = "assess_hotspot.types"
"""
from __future__ import annotations

import inspect
import logging
from importlib import import_module, metadata
from types import ModuleType
from typing import Any, Iterable

from .base import ItemType

GROUP = "assess.item_types"
BUILTIN = "assess.items.builtin"

_TYPES: dict[str, ItemType] = {}
log = logging.getLogger(__name__)


class UnknownItemType(LookupError):
    def __init__(self, name: object):
        super().__init__(f"unknown item type {name!r}; known types: {', '.join(sorted(_TYPES))}")
        self.name = name


class BadItemTypePlugin(ImportError):
    """An entry point of ``assess.item_types`` that cannot be loaded or names no item type."""


def register(cls: type[ItemType]) -> type[ItemType]:
    """Make ``cls`` available under ``cls.name`` (also usable as a class decorator).

    Registering the same class again does nothing (a module may be both decorated and
    discovered); another class under a taken name is an error."""
    found = _TYPES.get(cls.name)
    if found is not None:
        if type(found) is cls:
            return cls
        raise ValueError(f"item type {cls.name!r} is registered twice "
                         f"({type(found).__module__}.{type(found).__qualname__} and "
                         f"{cls.__module__}.{cls.__qualname__})")
    _TYPES[cls.name] = cls()
    return cls


def is_item_type(value: Any) -> bool:
    """A concrete ``ItemType`` subclass: one that sets its own ``name``."""
    return (inspect.isclass(value) and issubclass(value, ItemType) and value is not ItemType
            and isinstance(vars(value).get("name"), str))


def types_in(module: ModuleType) -> list[type[ItemType]]:
    """The item types a module offers: its ``ITEM_TYPES`` when it has one, else every concrete
    ``ItemType`` subclass defined in it (not those it merely imports), in definition order."""
    listed = getattr(module, "ITEM_TYPES", None)
    if listed is not None:
        return list(listed)
    return [value for value in vars(module).values()
            if is_item_type(value) and value.__module__ == module.__name__]


def _types_of(target: Any, where: str) -> list[type[ItemType]]:
    if isinstance(target, ModuleType):
        found = types_in(target)
    elif is_item_type(target):
        found = [target]
    else:
        found = []
    bad = [t for t in found if not is_item_type(t)]
    if bad or not found:
        raise BadItemTypePlugin(f"entry point {where} names no item type (expected a module "
                                f"defining ItemType subclasses, or an ItemType subclass)")
    return found


def entry_points() -> list[metadata.EntryPoint]:
    """The entry points of ``GROUP``, the built-in one first, the rest by name."""
    found = list(metadata.entry_points(group=GROUP))
    return sorted(found, key=lambda ep: (ep.value != BUILTIN, ep.name, ep.value))


def discover() -> list[str]:
    """Register every item type the ``assess.item_types`` entry points name; returns the names
    registered by this call. Built-in types are registered even when the package metadata
    lacks the entry point (running from a source tree that was never installed)."""
    before = set(_TYPES)
    points = entry_points()
    if not any(ep.value == BUILTIN for ep in points):
        log.debug("no %r entry point for %s: loading it directly", GROUP, BUILTIN)
        _register_all(_types_of(import_module(BUILTIN), BUILTIN))
    for ep in points:
        where = f"{ep.name} = {ep.value!r} ({GROUP})"
        try:
            target = ep.load()
        except Exception as exc:  # a broken plugin must say which one it is
            raise BadItemTypePlugin(f"entry point {where} cannot be loaded: {exc}") from exc
        _register_all(_types_of(target, where))
    return [name for name in _TYPES if name not in before]


def _register_all(classes: Iterable[type[ItemType]]) -> None:
    for cls in classes:
        register(cls)


def get(name: object) -> ItemType:
    if not isinstance(name, str) or name not in _TYPES:
        raise UnknownItemType(name)
    return _TYPES[name]


def names() -> list[str]:
    return sorted(_TYPES)


def all_types() -> dict[str, ItemType]:
    """Every registered type by name, in registration order (the built-in ones by module
    name)."""
    return dict(_TYPES)
