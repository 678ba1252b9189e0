"""The code that serves every item type names none: the linter, the strategy and validity
reports, item analysis (its statistics and its service), the QTI import and export, the exam
page's script and the tests' gold answers ask the registry and the type's own methods
(docs/item-types.md). A type name as a string literal in them is a type switch creeping
back."""
import ast
import re
from pathlib import Path

import pytest

from assess.items import names

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sorted((ROOT / "assess/banks/lint").glob("*.py")) + [
    ROOT / "assess/banks/strategies.py", ROOT / "assess/banks/validity.py",
    ROOT / "assess/services/exam_pages.py",
    ROOT / "assess/services/instructions_page.py", ROOT / "tests/exam_support.py"] + sorted(
    path for package in ("assess/core/item_analysis", "assess/services/analysis",
                         "assess/importers/qti")
    for path in (ROOT / package).glob("*.py"))
# Literals that equal a type name but mean something else.
NOT_TYPES = {("rubric_levels.py", "rubric"),  # the rule about bank rubrics
             ("explanations.py", "choice"),  # an English word in a stop list
             ("report.py", "rubric")}  # item analysis: a bank rubric's criteria


def literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and ast.get_docstring(node) is not None}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


@pytest.mark.parametrize("path", PYTHON, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_type_name_in_code_that_serves_every_type(path):
    found = [(line, value) for line, value in literals(path)
             if value in names() and (path.name, value) not in NOT_TYPES]
    assert found == [], f"{path.relative_to(ROOT)} names item types: {found}"


def test_the_exam_script_names_no_type():
    source = (ROOT / "static/js/exam.js").read_text(encoding="utf-8")
    quoted = re.findall(r"[\"']([a-z_-]+)[\"']", source)  # a switch compares with a string
    assert not set(quoted) & set(names())
