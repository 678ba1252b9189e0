"""An ``ImportResult`` as bank YAML text (pure: no files, no Flask)."""
from __future__ import annotations

import yaml

from .base import ImportResult


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text, no anchors, keys in insertion order."""

    def ignore_aliases(self, data):
        return True


def _str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value,
                                   style="|" if "\n" in value else None)


_Dumper.add_representer(str, _str)


def build_bank(result: ImportResult, *, bank: str, title: str | None = None,
               domain: str = "general", provenance: str = "") -> dict:
    """The bank mapping: the format's rubrics (once each) and items, with a description that
    states the source and how the file was generated."""
    rubrics, seen = [], set()
    for rubric in result.rubrics:
        if rubric["id"] not in seen:
            seen.add(rubric["id"])
            rubrics.append(rubric)
    description = "\n\n".join(p.strip() for p in (result.description, provenance) if p.strip())
    entry = {"bank": bank, "title": (title or result.title or bank)[:200], "domain": domain}
    if description:
        entry["description"] = description + "\n"
    if rubrics:
        entry["rubrics"] = rubrics
    entry["items"] = result.items
    return entry


def dump_bank(bank: dict) -> str:
    return yaml.dump(bank, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def bank_yaml(result: ImportResult, **options) -> str:
    return dump_bank(build_bank(result, **options))
