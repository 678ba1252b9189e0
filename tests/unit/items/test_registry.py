"""The item-type registry: discovery through the ``assess.item_types`` entry points, lookups,
and the purity of the item-type modules."""
import ast
import importlib.metadata
import pkgutil
import sys
import types
from pathlib import Path

import pytest

import assess.items
from assess.items import ItemType, UnknownItemType, all_types, builtin, get, names, registry
from assess.items.registry import BadItemTypePlugin, register

PACKAGE = Path(assess.items.__file__).parent
MODULES = sorted(m.name for m in pkgutil.iter_modules([str(PACKAGE)]))
IMPURE = {"flask", "sqlalchemy", "werkzeug", "time", "datetime", "uuid", "secrets", "os"}


def declared_types() -> dict[str, str]:
    """Type name -> module, read from the package's source (not from the registry): every
    class in a module of assess/items that sets ``name = "..."`` and derives from a class."""
    found = {}
    for module in MODULES:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text())
        for node in tree.body:
            if not isinstance(node, ast.ClassDef) or not node.bases:
                continue
            for statement in node.body:
                if (isinstance(statement, ast.Assign)
                        and [getattr(t, "id", None) for t in statement.targets] == ["name"]
                        and isinstance(statement.value, ast.Constant)):
                    found[statement.value.value] = module
    return found


TYPE_MODULES = sorted(set(declared_types().values()))


def test_every_built_in_type_is_found():
    """A type module dropped into assess/items is registered without any other edit."""
    declared = declared_types()
    assert {"choice", "factcheck", "labels", "pairwise", "ranking", "rewrite", "rubric"} \
        <= set(declared)
    assert sorted(cls.name for cls in builtin.ITEM_TYPES) == sorted(declared)
    assert set(declared) <= set(names())
    for name, module in declared.items():
        kind = get(name)
        assert isinstance(kind, ItemType) and kind.name == name and kind.label
        assert type(kind).__module__ == f"assess.items.{module}"
        assert kind.templates["take"] == f"items/{name}/take.html"


def test_the_package_declares_the_builtin_entry_point():
    (point,) = [ep for ep in importlib.metadata.entry_points(group=registry.GROUP)
                if ep.name == "builtin"]
    assert point.value == "assess.items.builtin"
    source = (PACKAGE.parents[1] / "pyproject.toml").read_text()
    assert '[project.entry-points."assess.item_types"]' in source
    assert 'builtin = "assess.items.builtin"' in source


class Hotspot(ItemType):
    """A type as a separate package would write it (nothing else in the project names it)."""

    name = "hotspot"
    label = "Click the spot"
    schema = {"properties": {"prompt": {"type": "string", "pattern": r"\S"}},
              "required": ["prompt"]}


def plugin_module(*classes, name="assess_hotspot.types"):
    module = types.ModuleType(name)
    for cls in classes:
        setattr(module, cls.__name__, cls)
        cls.__module__ = name
    return module


@pytest.fixture
def fresh_registry(monkeypatch):
    """An empty registry for the test, so discovery runs from scratch and nothing leaks."""
    monkeypatch.setattr(registry, "_TYPES", {})
    return registry


def entry_points(monkeypatch, *points):
    """Make ``importlib.metadata.entry_points`` list ``points`` for the item-type group (and
    the real ones for any other group)."""
    real = importlib.metadata.entry_points

    def fake(**selection):
        if selection.get("group") == registry.GROUP:
            return importlib.metadata.EntryPoints(points)
        return real(**selection)
    monkeypatch.setattr(importlib.metadata, "entry_points", fake)


def point(name, value):
    return importlib.metadata.EntryPoint(name=name, value=value, group=registry.GROUP)


BUILTIN = point("builtin", "assess.items.builtin")


def test_a_fake_entry_point_naming_a_module_adds_its_types(monkeypatch, fresh_registry):
    cls = type("Hotspot", (Hotspot,), {"name": "hotspot"})
    monkeypatch.setitem(sys.modules, "assess_hotspot.types", plugin_module(cls))
    entry_points(monkeypatch, point("hotspot", "assess_hotspot.types"), BUILTIN)
    added = fresh_registry.discover()
    assert "hotspot" in added and set(declared_types()) <= set(added)
    assert type(get("hotspot")) is cls and "hotspot" in names()
    assert list(all_types())[:len(builtin.ITEM_TYPES)] == [c.name for c in builtin.ITEM_TYPES]
    with pytest.raises(UnknownItemType) as caught:
        get("essay")
    assert "hotspot" in str(caught.value)  # the known types include the plugin's


def test_a_fake_entry_point_naming_a_class_adds_it(monkeypatch, fresh_registry):
    cls = type("Hotspot", (Hotspot,), {"name": "hotspot"})
    monkeypatch.setitem(sys.modules, "assess_hotspot.types", plugin_module(cls))
    entry_points(monkeypatch, BUILTIN, point("hotspot", "assess_hotspot.types:Hotspot"))
    fresh_registry.discover()
    assert type(get("hotspot")) is cls
    assert fresh_registry.discover() == []  # discovering again changes nothing


def test_built_in_types_load_even_without_the_entry_point(monkeypatch, fresh_registry):
    entry_points(monkeypatch)  # metadata of a source tree that was never installed
    fresh_registry.discover()
    assert set(declared_types()) <= set(names())


@pytest.mark.parametrize("value, problem", [
    ("assess_missing_plugin.types", "cannot be loaded"),
    ("assess_hotspot.empty", "names no item type"),
])
def test_a_broken_entry_point_names_itself(monkeypatch, fresh_registry, value, problem):
    monkeypatch.setitem(sys.modules, "assess_hotspot.empty",
                        plugin_module(name="assess_hotspot.empty"))
    entry_points(monkeypatch, BUILTIN, point("broken", value))
    with pytest.raises(BadItemTypePlugin, match=problem) as caught:
        fresh_registry.discover()
    assert f"broken = {value!r}" in str(caught.value)


def test_a_plugin_cannot_take_a_built_in_name(monkeypatch, fresh_registry):
    cls = type("Imposter", (Hotspot,), {"name": "choice"})
    monkeypatch.setitem(sys.modules, "assess_hotspot.types", plugin_module(cls))
    entry_points(monkeypatch, BUILTIN, point("imposter", "assess_hotspot.types"))
    with pytest.raises(ValueError, match="'choice' is registered twice"):
        fresh_registry.discover()


@pytest.mark.parametrize("name", ["essay", None, 3, ["choice"]])
def test_unknown_type_names_the_known_types(name):
    with pytest.raises(UnknownItemType) as caught:
        get(name)
    assert repr(name) in str(caught.value)
    assert ", ".join(names()) in str(caught.value)
    assert caught.value.name == name


def test_a_name_cannot_be_registered_twice():
    class Imposter(ItemType):
        name = "choice"

    with pytest.raises(ValueError, match="registered twice"):
        register(Imposter)
    assert type(get("choice")).__name__ == "Choice"
    register(type(get("choice")))  # the same class again (decorated and discovered): a no-op
    assert type(get("choice")).__name__ == "Choice"


def test_all_types_is_a_copy():
    types_ = all_types()
    types_.pop("choice")
    assert "choice" in all_types()


@pytest.mark.parametrize("module", MODULES)
def test_item_modules_are_pure(module):
    source = (PACKAGE / f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & IMPURE
    if module in TYPE_MODULES:
        assert "random" not in imported  # randomness only through the rng handed in
