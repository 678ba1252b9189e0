"""The built-in item types: every ``ItemType`` subclass defined by a module of the
``assess.items`` package.

This module is the target of the package's one entry point in the ``assess.item_types`` group
(``builtin = "assess.items.builtin"``, see ``registry.discover``). It imports every module of
the package (``pkgutil``), so a type added as a new module here (``assess/items/<type>.py``)
is found without editing the registry or ``pyproject.toml``.
"""
from __future__ import annotations

import pkgutil
from importlib import import_module

from .registry import types_in

PACKAGE = __name__.rpartition(".")[0]


def _load() -> tuple:
    package = import_module(PACKAGE)
    found = []
    for module in pkgutil.iter_modules(package.__path__):  # sorted by module name
        if module.ispkg or f"{PACKAGE}.{module.name}" == __name__:
            continue
        found += types_in(import_module(f"{PACKAGE}.{module.name}"))
    return tuple(found)


ITEM_TYPES = _load()
