"""Layering, read from the source: the use cases (assess/services) know no HTTP, and the pure
layers (assess/core, assess/items) use no web or database code and never read the clock.

``test_purity.py`` imports the pure layers and looks at what got loaded, which catches what
they pull in through other modules. These scans complement it: they also see imports inside
functions (which loading a module never runs), clock reads, which importing cannot show, and
they name the module and line at fault.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Services reach the database through assess.extensions and their settings through
# assess.settings; Flask, its extensions and werkzeug are the web layer's.
WEB_PACKAGES = ("flask", "werkzeug")
WEB_MODULES = ("assess.web", "assess.app", "assess.cli", "assess.clock", "assess.config")
PURE_FORBIDDEN = ("flask", "werkzeug", "sqlalchemy")
CLOCK_READS = {"datetime.datetime.now", "datetime.datetime.utcnow", "datetime.datetime.today",
               "datetime.date.today", "time.time", "time.time_ns", "time.monotonic",
               "time.monotonic_ns", "time.perf_counter", "time.perf_counter_ns"}


def python_files(*folders: str) -> list[Path]:
    files = sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))
    assert files, f"no Python files under {folders}"
    return files


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    """Whether module ``name`` is one of ``prefixes`` or inside one; "flask" also stands for
    every Flask extension (flask_login, flask_wtf, flask_sqlalchemy, …)."""
    return any(name == p or name.startswith(p + ".") or (p == "flask" and
               name.split(".")[0].startswith("flask_")) for p in prefixes)


def import_violations(source: str, module: str, forbidden: tuple[str, ...], *,
                      is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) for every import of a ``forbidden`` module anywhere in the source,
    relative imports resolved against ``module``; in ``from X import y``, y may be a module."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {(node.lineno, a.name) for a in node.names if within(a.name, forbidden)}
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            origin = ".".join(base + ([node.module] if node.module else []))
            if within(origin, forbidden):
                found.add((node.lineno, origin))
            else:
                found |= {(node.lineno, f"{origin}.{a.name}") for a in node.names
                          if within(f"{origin}.{a.name}", forbidden)}
    return sorted(found)


def clock_reads(source: str) -> list[tuple[int, str]]:
    """(line, what) for every use of a clock-reading function, through any import alias."""
    tree = ast.parse(source)
    bound: dict[str, str] = {}  # a name in the module → what it was imported as
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                bound[alias.asname or alias.name.split(".")[0]] = \
                    alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                bound[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        chain = []
        part = node
        while isinstance(part, ast.Attribute):
            chain.insert(0, part.attr)
            part = part.value
        if isinstance(part, ast.Name) and part.id in bound and isinstance(
                getattr(node, "ctx", None), ast.Load):
            name = ".".join([bound[part.id], *chain])
            if name in CLOCK_READS:
                found.append((node.lineno, name))
    return sorted(set(found))


def scan(folders: tuple[str, ...], check) -> list[str]:
    problems = []
    for path in python_files(*folders):
        source = path.read_text(encoding="utf-8")
        for line, what in check(source, path):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    return problems


def test_services_import_no_web_code():
    def check(source, path):
        return [(line, f"imports {name}") for line, name in import_violations(
            source, module_name(path), WEB_PACKAGES + WEB_MODULES,
            is_package=path.name == "__init__.py")]
    problems = scan(("assess/services",), check)
    assert not problems, ("services know no HTTP: they read assess.settings.settings(), log "
                          "with logging.getLogger(__name__) and raise ServiceError with a code; "
                          "the web layer does the rest.\n" + "\n".join(problems))


def test_pure_layers_import_no_web_or_database_code():
    def check(source, path):
        return [(line, f"imports {name}") for line, name in import_violations(
            source, module_name(path), PURE_FORBIDDEN, is_package=path.name == "__init__.py")]
    problems = scan(("assess/core", "assess/items"), check)
    assert not problems, "assess/core and assess/items are pure:\n" + "\n".join(problems)


def test_pure_layers_never_read_the_clock():
    problems = scan(("assess/core", "assess/items"),
                    lambda source, path: [(line, f"reads the clock ({name})")
                                          for line, name in clock_reads(source)])
    assert not problems, ("assess/core and assess/items take `now` from their caller:\n"
                          + "\n".join(problems))


@pytest.mark.parametrize("source, module, expected", [
    ("import flask\n", "assess.services.x", [(1, "flask")]),
    ("def f():\n    from flask_login import current_user\n", "assess.services.x",
     [(2, "flask_login")]),
    ("from werkzeug.exceptions import NotFound\n", "assess.services.x",
     [(1, "werkzeug.exceptions")]),
    ("from ..web import errors\n", "assess.services.x", [(1, "assess.web")]),
    ("from .. import clock\n", "assess.services.x", [(1, "assess.clock")]),
    ("from ..extensions import db\nfrom ..settings import settings\n", "assess.services.x", []),
])
def test_the_import_scan_resolves_what_services_import(source, module, expected):
    assert import_violations(source, module, WEB_PACKAGES + WEB_MODULES) == expected


@pytest.mark.parametrize("source, expected", [
    ("from datetime import datetime\nx = datetime.now()\n", [(2, "datetime.datetime.now")]),
    ("import datetime as dt\nx = dt.datetime.utcnow()\n", [(2, "datetime.datetime.utcnow")]),
    ("from datetime import date\nx = date.today()\n", [(2, "datetime.date.today")]),
    ("import time\nx = time.time()\n", [(2, "time.time")]),
    ("from time import monotonic as tick\nclock = tick\n", [(2, "time.monotonic")]),
    ("from datetime import datetime, timedelta\nx = datetime(2024, 1, 1) + timedelta(1)\n", []),
])
def test_the_clock_scan_sees_through_aliases(source, expected):
    assert clock_reads(source) == expected
