"""The web layer never writes: views parse, authorise, call a service and render, and the
services own every query and commit. Read from the source with ast, so a commit or a session
use in assess/web fails here wherever it hides; the one exception is the error handler's
rollback in assess/web/errors.py, which undoes a refused service call."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "assess" / "web"
ALLOWED_ROLLBACK = "assess/web/errors.py"


def offences(source: str, where: str) -> list[str]:
    """Every ``.commit(...)`` call and every ``db.session`` use other than the allowed
    rollback, as ``path:line: what``."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr == "commit":
            found.append(f"{where}:{node.lineno}: calls .commit()")
        elif _is_db_session(node) and not (where == ALLOWED_ROLLBACK
                                           and _is_rollback_call(node, parents)):
            found.append(f"{where}:{node.lineno}: uses {_spelled(node, parents)}")
    return sorted(found, key=lambda line: int(line.split(":")[1]))


def _is_db_session(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "session" \
        and isinstance(node.value, ast.Name) and node.value.id == "db"


def _is_rollback_call(node: ast.AST, parents: dict) -> bool:
    method = parents.get(node)
    call = parents.get(method)
    return isinstance(method, ast.Attribute) and method.attr == "rollback" \
        and isinstance(call, ast.Call) and call.func is method and not call.args


def _spelled(node: ast.AST, parents: dict) -> str:
    method = parents.get(node)
    return f"db.session.{method.attr}" if isinstance(method, ast.Attribute) else "db.session"


def web_modules() -> list[Path]:
    return sorted(WEB.rglob("*.py"))


def test_the_web_layer_exists():
    names = {p.relative_to(WEB).parts[0] for p in web_modules()}
    assert {"applicant", "grading", "admin", "public", "auth", "errors.py"} <= names


@pytest.mark.parametrize("path", web_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_view_commits_or_uses_the_session(path):
    where = path.relative_to(ROOT).as_posix()
    found = offences(path.read_text(encoding="utf-8"), where)
    assert not found, ("the web layer must leave queries and commits to assess/services:\n"
                       + "\n".join(found))


def test_the_check_catches_what_it_should():
    source = ("from ..extensions import db\n"
              "def view():\n"
              "    db.session.add(thing)\n"
              "    db.session.rollback()\n"
              "    session = db.session\n"
              "    service.db.commit()\n")
    assert offences(source, "assess/web/admin/example.py") == [
        "assess/web/admin/example.py:3: uses db.session.add",
        "assess/web/admin/example.py:4: uses db.session.rollback",
        "assess/web/admin/example.py:5: uses db.session",
        "assess/web/admin/example.py:6: calls .commit()"]
    assert offences(source, ALLOWED_ROLLBACK) == [
        f"{ALLOWED_ROLLBACK}:3: uses db.session.add",
        f"{ALLOWED_ROLLBACK}:5: uses db.session",
        f"{ALLOWED_ROLLBACK}:6: calls .commit()"]
