"""What every lint rule shares: the finding, the bank protocol, the binomial test, and where
in a file an item, rubric or blueprint section starts."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Protocol, Sequence

import yaml

from ... import items as item_types
from ...items import ItemType, LintFacts

MIN_ITEMS = 6
ALPHA = 0.05


class BankContent(Protocol):
    file: str
    slug: str
    items: list[dict]
    rubrics: list[dict]


@dataclass(frozen=True)
class Finding:
    rule: str  # duplicate | gold-balance | length-bias | ... (see the package docstring)
    file: str
    line: int | None
    bank: str  # the bank's slug, or the blueprint's for blueprint-shortcut
    # The item ids concerned (or "rubric:<id>"; for a blueprint "section:<id>" and then
    # "<bank>/<item id>"); the first is located.
    items: tuple[str, ...]
    message: str

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.bank}/{self.items[0] if self.items else '-'}: {self.message}"


# ------------------------------------------------------------------ statistics

def binomial_pmf(k: int, n: int, p: float) -> float:
    return math.comb(n, k) * p ** k * (1 - p) ** (n - k)


def binomial_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial test: the total probability of every outcome no more likely
    than ``k`` successes in ``n`` trials at rate ``p`` (as R's ``binom.test``)."""
    if n <= 0:
        return 1.0
    if p <= 0:
        return 1.0 if k == 0 else 0.0
    if p >= 1:
        return 1.0 if k == n else 0.0
    observed = binomial_pmf(k, n, p)
    probabilities = [binomial_pmf(i, n, p) for i in range(n + 1)]
    return min(1.0, sum(q for q in probabilities if q <= observed * (1 + 1e-7)))


# ------------------------------------------------------------------ locations

@dataclass
class _Where:
    items: dict[str, tuple[int, dict[str, int]]]  # id -> (line, {field: line})
    rubrics: dict[str, tuple[int, dict[str, int]]]  # id -> (line, {criterion id: line})
    sections: dict[str, int] = field(default_factory=dict)  # blueprint section id -> line


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # only node positions are read


def _scalar(node: Any) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def _fields(node: yaml.MappingNode) -> dict[str, int]:
    return {_scalar(k): k.start_mark.line + 1 for k, _ in node.value if _scalar(k)}


def _ident(node: Any) -> str | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((_scalar(v) for k, v in node.value if _scalar(k) == "id"), None)


def _locate(file: str) -> _Where:
    """Lines of items, their fields, rubrics and criteria, re-read from the bank file (the
    loader's specs do not keep them), and of a blueprint's sections. Empty when the file
    cannot be read."""
    where = _Where({}, {})
    try:
        root = yaml.compose(Path(file).read_text(encoding="utf-8"), Loader=_FAST_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return where
    if not isinstance(root, yaml.MappingNode):
        return where
    for key, value in root.value:
        if not isinstance(value, yaml.SequenceNode):
            continue
        for node in value.value:
            ident = _ident(node)
            if ident is None:
                continue
            if _scalar(key) == "items":
                where.items.setdefault(ident, (node.start_mark.line + 1, _fields(node)))
            elif _scalar(key) == "rubrics":
                criteria = {}
                for k, v in node.value:
                    if _scalar(k) == "criteria" and isinstance(v, yaml.SequenceNode):
                        criteria = {_ident(c): c.start_mark.line + 1 for c in v.value
                                    if _ident(c)}
                where.rubrics.setdefault(ident, (node.start_mark.line + 1, criteria))
            elif _scalar(key) == "sections":
                where.sections.setdefault(ident, node.start_mark.line + 1)
    return where


class _Context:
    def __init__(self) -> None:
        self._where: dict[str, _Where] = {}
        self._facts: dict[int, tuple[Mapping, LintFacts]] = {}
        self.findings: list[Finding] = []

    def facts(self, entry: Mapping) -> LintFacts:
        """The item's ``LintFacts``, asked of its type once per lint run."""
        found = self._facts.get(id(entry))
        if found is None or found[0] is not entry:
            found = self._facts[id(entry)] = (entry, facts_of(entry))
        return found[1]

    def where(self, bank: BankContent) -> _Where:
        """The bank file's lines, read on the first finding that needs them (most banks have
        none, and the loader has already read every file once)."""
        return self.where_file(bank.file)

    def where_file(self, file: str) -> _Where:
        if file not in self._where:
            self._where[file] = _locate(file)
        return self._where[file]

    def line(self, bank: BankContent, item: str, field: str | None = None) -> int | None:
        line, fields = self.where(bank).items.get(item, (None, {}))
        return fields.get(field, line) if field else line

    def add(self, rule: str, bank: BankContent, items: Sequence[str], message: str,
            field: str | None = None) -> None:
        self.findings.append(Finding(rule, bank.file, self.line(bank, items[0], field)
                                     if items else None, bank.slug, tuple(items), message))


# ------------------------------------------------------------------ shared by rules

def kind_of(entry: Mapping) -> ItemType:
    return item_types.get(entry.get("type"))


def facts_of(entry: Mapping) -> LintFacts:
    """What the item's type tells the linter about it (``ItemType.lint_facts``)."""
    return kind_of(entry).lint_facts(entry)


def by_type(entries: Iterable[Mapping]) -> dict[str, list[Mapping]]:
    """Entries grouped by type, types in the order the entries first use them."""
    groups: dict[str, list[Mapping]] = {}
    for entry in entries:
        groups.setdefault(entry.get("type"), []).append(entry)
    return groups


def _test(context: _Context, bank: BankContent, rule: str, label: str, what: str,
          hits: list[str], misses: list[str], rate: float, *, side: str = "first",
          other: str | None = None) -> None:
    n, k = len(hits) + len(misses), len(hits)
    if n < MIN_ITEMS:
        return
    p = binomial_two_sided(k, n, rate)
    if p >= ALPHA:
        return
    if k >= n * rate:
        named, text = hits, f"{what} {side} in {k} of {n} items"
    elif other:
        named, text = misses, f"{what} {other} in {n - k} of {n} items"
    else:
        named, text = misses, f"{what} {side} in only {k} of {n} items"
    context.add(rule, bank, named,
                f"{label}: {text} (expected {rate * n:.1f}; p={p:.3f}): "
                f"{', '.join(named)}")
