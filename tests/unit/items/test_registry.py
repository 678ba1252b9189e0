"""The item-type registry, and the purity of the item-type modules."""
import ast
from pathlib import Path

import pytest

import assess.items
from assess.items import ItemType, UnknownItemType, all_types, get, names
from assess.items.registry import register

SEVEN = ["choice", "factcheck", "labels", "pairwise", "ranking", "rewrite", "rubric"]
IMPURE = {"flask", "sqlalchemy", "werkzeug", "time", "datetime", "uuid", "secrets", "os"}


def test_all_seven_types_are_registered():
    assert names() == SEVEN
    for name in SEVEN:
        kind = get(name)
        assert isinstance(kind, ItemType) and kind.name == name and kind.label
        assert kind.templates["take"] == f"items/{name}/take.html"


@pytest.mark.parametrize("name", ["essay", None, 3, ["choice"]])
def test_unknown_type_names_the_known_types(name):
    with pytest.raises(UnknownItemType) as caught:
        get(name)
    assert repr(name) in str(caught.value)
    assert ", ".join(SEVEN) in str(caught.value)
    assert caught.value.name == name


def test_a_name_cannot_be_registered_twice():
    class Imposter(ItemType):
        name = "choice"

    with pytest.raises(ValueError, match="registered twice"):
        register(Imposter)
    assert type(get("choice")).__name__ == "Choice"


def test_all_types_is_a_copy():
    types = all_types()
    types.pop("choice")
    assert "choice" in all_types()


@pytest.mark.parametrize("module", SEVEN + ["base", "registry"])
def test_item_modules_are_pure(module):
    source = Path(assess.items.__file__).with_name(f"{module}.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert not imported & IMPURE
    if module in SEVEN:
        assert "random" not in imported  # randomness only through the rng handed in
