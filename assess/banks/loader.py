"""Read bank and blueprint YAML files, validate them, and report every error with its location.

Nothing is imported when any file has an error: callers get either clean specs or the full list.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Mapping

import yaml

from .. import items as item_types
from ..core.selection import Candidate
from . import located_yaml
from .blueprints import load_assessment
from .checker import Checker
from .errors import BankError
from .rubrics import validate_rubric
from .specs import SLUG, AssessmentSpec, BankSpec, Loaded, content_hash, slug_field

BANK_FIELDS = {"bank", "title", "domain", "description", "rubrics", "items"}

__all__ = ["SLUG", "AssessmentSpec", "BankSpec", "Loaded", "content_hash", "find_files", "load"]


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def load(paths: Iterable[str | Path], *, known: Iterable[Candidate] = (),
         imported: Mapping[str, str] | None = None) -> Loaded:
    """Load every bank and blueprint under ``paths``.

    ``known`` are items already in the database, so a blueprint may draw from a bank that is
    not among the files given. ``imported`` maps the slug of each bank in the database to its
    content hash: a bank file with the same hash was valid when imported and is what the
    database holds, so it comes back ``unchanged`` without validating its items again.
    """
    result = Loaded()
    documents: list[tuple[str, Mapping, dict[int, int]]] = []
    parsed: dict[str, tuple] = {}
    for path in find_files(paths):
        name = str(path)
        result.files.append(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            result.errors.append(BankError(name, f"cannot read the file: {exc}"))
            continue
        try:
            data, lines, keys = located_yaml.parse(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            result.errors.append(BankError(name, f"is not valid YAML: {exc}",
                                           line=mark.line + 1 if mark else None))
            continue
        if not isinstance(data, Mapping) or not ({"bank", "assessment"} & set(data)):
            result.errors.append(BankError(
                name, "expected a mapping with a 'bank' key (a bank of items) or an "
                      "'assessment' key (a blueprint)"))
            continue
        documents.append((name, data, lines))
        parsed[name] = (data, lines, keys)

    broken: set[str] = set()
    for name, data, lines in documents:
        if "bank" in data:
            spec = (_unchanged_bank(name, data, imported) if imported else None) or \
                _load_bank(name, data, lines, result.errors)
            if spec:
                spec.parsed = parsed[name] if parsed[name][2] else None
                result.banks.append(spec)
            elif isinstance(data.get("bank"), str):
                broken.add(data["bank"])
    _check_unique([(b.file, b.slug) for b in result.banks], "bank", result.errors)

    candidates = [c for bank in result.banks for c in bank.candidates()]
    loaded_banks = {b.slug for b in result.banks}
    candidates += [c for c in known if c.bank not in loaded_banks]
    for name, data, lines in documents:
        if "assessment" in data and "bank" not in data:
            spec = load_assessment(name, data, lines, candidates, broken, result.errors)
            if spec:
                result.assessments.append(spec)
    _check_unique([(a.file, a.slug) for a in result.assessments], "assessment", result.errors)
    return result


def _check_unique(pairs: list[tuple[str, str]], kind: str, errors: list[BankError]) -> None:
    seen: dict[str, str] = {}
    for file, slug in pairs:
        if slug in seen:
            errors.append(BankError(file, f"{kind} {slug!r} is also defined in {seen[slug]}",
                                    field=kind))
        seen.setdefault(slug, file)


def _body_hash(data: Mapping) -> str:
    return content_hash({k: data.get(k) for k in sorted(BANK_FIELDS)})


def _unchanged_bank(file: str, data: Mapping, imported: Mapping[str, str]) -> BankSpec | None:
    """The bank as imported, when the file holds exactly what the database does."""
    slug = data.get("bank")
    if not isinstance(slug, str) or slug not in imported or not set(data) <= BANK_FIELDS:
        return None
    digest = _body_hash(data)
    if imported[slug] != digest:
        return None
    return BankSpec(file, slug, data["title"], data["domain"], data.get("description") or "",
                    [dict(r) for r in data.get("rubrics") or []],
                    [dict(i) for i in data["items"]], digest, unchanged=True)


def _load_bank(file: str, data: Mapping, lines: dict[int, int],
               errors: list[BankError]) -> BankSpec | None:
    check = Checker()
    check.unknown_keys(data, BANK_FIELDS)
    slug = slug_field(check, data, "bank")
    title = check.text(data, "title", max_len=200)
    domain = slug_field(check, data, "domain")
    check.text(data, "description", required=False)
    raw_rubrics = check.sequence(data, "rubrics", required=False) or []
    raw_items = check.sequence(data, "items", min_len=1) or []
    count = len(errors)
    errors.extend(BankError(file, e.message, field=e.path, line=lines.get(id(data)))
                  for e in check.errors)
    rubrics, rubric_ids = _bank_rubrics(file, raw_rubrics, lines, errors)
    items = _bank_items(file, raw_items, lines, rubric_ids, errors)
    if len(errors) > count or slug is None or title is None or domain is None:
        return None
    return BankSpec(file, slug, title, domain, data.get("description") or "", rubrics, items,
                    _body_hash(data))


def _bank_rubrics(file: str, raw_rubrics: list, lines: dict[int, int],
                  errors: list[BankError]) -> tuple[list[dict], set[str]]:
    """The bank's valid rubrics, and the ids it defines (an invalid rubric's too, so that
    items naming it are not also reported); an error for each rubric that is not valid."""
    rubric_ids: set[str] = set()
    rubrics = []
    for i, rubric in enumerate(raw_rubrics):
        line = lines.get(id(rubric))
        if not isinstance(rubric, Mapping):
            errors.append(BankError(file, "expected a mapping", field=f"rubrics[{i}]"))
            continue
        rubric_id = rubric.get("id")
        if not isinstance(rubric_id, str) or not SLUG.match(rubric_id):
            errors.append(BankError(file, f"expected a slug, got {rubric_id!r}",
                                    field=f"rubrics[{i}].id", line=line))
            continue
        label = f"rubric {rubric_id!r}"
        if rubric_id in rubric_ids:
            errors.append(BankError(file, "duplicate rubric id", item=label, field="id",
                                    line=line))
            continue
        rubric_ids.add(rubric_id)
        problems = validate_rubric(rubric)
        errors.extend(BankError(file, e.message, item=label, field=e.path, line=line)
                      for e in problems)
        if not problems:
            rubrics.append(dict(rubric))
    return rubrics, rubric_ids


def _bank_items(file: str, raw_items: list, lines: dict[int, int], rubric_ids: set[str],
               errors: list[BankError]) -> list[dict]:
    """The bank's valid items (each naming only rubrics in ``rubric_ids``); an error for each
    one that is not."""
    item_ids: set[str] = set()
    items = []
    for i, entry in enumerate(raw_items):
        line = lines.get(id(entry))
        if not isinstance(entry, Mapping):
            errors.append(BankError(file, "expected a mapping", field=f"items[{i}]", line=line))
            continue
        item_id = entry.get("id")
        if not isinstance(item_id, str) or not SLUG.match(item_id):
            errors.append(BankError(file, f"expected a slug as the item id, got {item_id!r}",
                                    item=f"#{i + 1}", field="id", line=line))
            continue
        if item_id in item_ids:
            errors.append(BankError(file, "duplicate item id in this bank", item=item_id,
                                    field="id", line=line))
            continue
        item_ids.add(item_id)
        try:
            item_type = item_types.get(entry.get("type"))
        except item_types.UnknownItemType as exc:
            errors.append(BankError(file, str(exc), item=item_id, field="type", line=line))
            continue
        problems = item_type.validate(entry)
        errors.extend(BankError(file, e.message, item=item_id, field=e.path, line=line)
                      for e in problems)
        if problems:
            continue
        missing = [(path, ref) for path, ref in item_type.rubric_refs(entry)
                   if ref not in rubric_ids]
        for path, ref in missing:
            errors.append(BankError(
                file, f"names rubric {ref!r}, which this bank does not define "
                      f"(defined: {', '.join(sorted(rubric_ids)) or 'none'})",
                item=item_id, field=path, line=line))
        if not missing:
            items.append(dict(entry))
    return items
