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
from ..located_yaml import fast_parse

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

# Up to here math.comb(n, k) fits in a float for every k (comb(1030, 515) does not).
_FLOAT_COMB_MAX_N = 1_000


def _log_pmf(k: int, n: int, log_p: float, log_q: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * log_p + (n - k) * log_q)


def binomial_pmf(k: int, n: int, p: float) -> float:
    """P(X = k) for X ~ Binomial(n, p); in log space for large n, where ``math.comb(n, k)``
    no longer fits in a float."""
    if n <= _FLOAT_COMB_MAX_N or p <= 0 or p >= 1:
        return math.comb(n, k) * p ** k * (1 - p) ** (n - k)
    return math.exp(_log_pmf(k, n, math.log(p), math.log1p(-p)))


def binomial_two_sided(k: int, n: int, p: float) -> float:
    """Exact two-sided binomial test: the total probability of every outcome no more likely
    than ``k`` successes in ``n`` trials at rate ``p`` (as R's ``binom.test``). For large n
    the terms are compared and summed in log space (log-sum-exp), so any n works."""
    if n <= 0:
        return 1.0
    if p <= 0:
        return 1.0 if k == 0 else 0.0
    if p >= 1:
        return 1.0 if k == n else 0.0
    if n <= _FLOAT_COMB_MAX_N:
        observed = binomial_pmf(k, n, p)
        probabilities = [binomial_pmf(i, n, p) for i in range(n + 1)]
        return min(1.0, sum(q for q in probabilities if q <= observed * (1 + 1e-7)))
    log_p, log_q = math.log(p), math.log1p(-p)
    logs = [_log_pmf(i, n, log_p, log_q) for i in range(n + 1)]
    bound = logs[k] + math.log1p(1e-7)  # binom.test's relative tolerance
    kept = [value for value in logs if value <= bound]
    top = max(kept)
    return min(1.0, math.exp(top) * math.fsum(math.exp(v - top) for v in kept))


# ------------------------------------------------------------------ locations

@dataclass
class _Where:
    items: dict[str, tuple[int, dict[str, int]]]  # id -> (line, {field: line})
    rubrics: dict[str, tuple[int, dict[str, int]]]  # id -> (line, {criterion id: line})
    sections: dict[str, int] = field(default_factory=dict)  # blueprint section id -> line


def _ident(value: Any) -> str | None:
    if not isinstance(value, Mapping):
        return None
    ident = value.get("id")
    return None if ident is None or isinstance(ident, (Mapping, list)) else str(ident)


def _locate(file: str) -> _Where:
    """Lines of items, their fields, rubrics and criteria, re-read from the bank file (the
    loader's specs do not keep them), and of a blueprint's sections. Empty when the file
    cannot be read."""
    try:
        parsed = fast_parse(Path(file).read_text(encoding="utf-8"), key_lines=True)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):
        return _Where({}, {})  # ValueError: a file the fast parser leaves to PyYAML (no lines)
    return _where_in(*parsed)


def _where_in(root: Any, lines: dict[int, int], keys: dict[int, dict]) -> _Where:
    where = _Where({}, {})
    if not isinstance(root, Mapping):
        return where
    for key, value in root.items():
        if not isinstance(value, list):
            continue
        for node in value:
            ident = _ident(node)
            if ident is None:
                continue
            line = lines[id(node)]
            if key == "items":
                fields = {str(k): n for k, n in keys[id(node)].items()}
                where.items.setdefault(ident, (line, fields))
            elif key == "rubrics":
                criteria = node.get("criteria")
                where.rubrics.setdefault(ident, (line, {
                    _ident(c): lines[id(c)] for c in criteria if _ident(c)}
                    if isinstance(criteria, list) else {}))
            elif key == "sections":
                where.sections.setdefault(ident, line)
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
        """The bank file's lines, on the first finding that needs them: from the loader's
        parse when the bank carries it (``BankSpec.parsed``), else read from the file."""
        parsed = getattr(bank, "parsed", None)
        if parsed is not None and bank.file not in self._where:
            self._where[bank.file] = _where_in(*parsed)
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
