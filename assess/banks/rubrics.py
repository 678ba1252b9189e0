"""Validation of bank-level grading rubrics."""
from __future__ import annotations

from typing import Mapping

from ..items.schema import FieldError
from .checker import Checker

RUBRIC_FIELDS = {"id", "title", "description", "criteria"}
CRITERION_FIELDS = {"id", "label", "description", "levels"}
LEVEL_FIELDS = {"points", "label", "descriptor"}


def validate_rubric(entry: Mapping) -> list[FieldError]:
    check = Checker()
    check.unknown_keys(entry, RUBRIC_FIELDS)
    check.text(entry, "title", max_len=200)
    check.text(entry, "description", required=False)
    criteria = check.identified(entry, "criteria", min_len=1, text_key="label")
    for i, criterion in enumerate(entry.get("criteria") or []):
        if criterion not in criteria:
            continue
        prefix = f"criteria[{i}]"
        check.unknown_keys(criterion, CRITERION_FIELDS, prefix + ".")
        levels = check.sequence(criterion, "levels", f"{prefix}.levels", min_len=2) or []
        previous = None
        for j, level in enumerate(levels):
            path = f"{prefix}.levels[{j}]"
            if not isinstance(level, Mapping):
                check.add(path, "expected a mapping with points, label and descriptor")
                continue
            check.unknown_keys(level, LEVEL_FIELDS, path + ".")
            points = check.number(level, "points", f"{path}.points", minimum=0)
            check.text(level, "label", f"{path}.label", max_len=80)
            check.text(level, "descriptor", f"{path}.descriptor")
            if points is not None and previous is not None and points <= previous:
                check.add(f"{path}.points",
                          f"levels must ascend by points: {points:g} follows {previous:g}")
            if points is not None:
                previous = points
    return check.errors


def rubric_max_points(entry: Mapping) -> float:
    return float(sum(max(level["points"] for level in c["levels"]) for c in entry["criteria"]))


def rubric_markdown_fields(entry: Mapping) -> dict[str, str]:
    fields = {}
    if entry.get("description"):
        fields["description"] = entry["description"]
    for criterion in entry["criteria"]:
        if criterion.get("description"):
            fields[f"criteria.{criterion['id']}"] = criterion["description"]
        for level in criterion["levels"]:
            fields[f"criteria.{criterion['id']}.{level['points']:g}"] = level["descriptor"]
    return fields
