"""Rule 6: the levels of every criterion of every bank rubric (see the package docstring)."""
from __future__ import annotations

from typing import Any, Mapping

from .common import BankContent, Finding, _Context

MIN_RUBRIC_LEVELS = 2


def _same(text: Any) -> str:
    return " ".join(str(text or "").split()).casefold()


def _rubrics(context: _Context, bank: BankContent) -> None:
    for rubric in bank.rubrics:
        rubric_id = rubric.get("id")
        for criterion in rubric.get("criteria") or ():
            problems = []
            levels = [lv for lv in criterion.get("levels") or () if isinstance(lv, Mapping)]
            if len(levels) < MIN_RUBRIC_LEVELS:
                problems.append(f"has {len(levels)} level(s); a criterion needs at least "
                                f"{MIN_RUBRIC_LEVELS}")
            points = [lv.get("points") for lv in levels]
            if any(not isinstance(p, (int, float)) or isinstance(p, bool) for p in points):
                problems.append("every level needs numeric points")
            elif any(b <= a for a, b in zip(points, points[1:])):
                problems.append(f"level points must strictly increase in the order listed, "
                                f"got {', '.join(f'{p:g}' for p in points)}")
            for key in ("label", "descriptor"):
                values = [_same(lv.get(key)) for lv in levels]
                if any(not v for v in values):
                    problems.append(f"a level has an empty {key}")
                repeated = sorted({v for v in values if v and values.count(v) > 1})
                if repeated:
                    problems.append(f"levels share a {key}: "
                                    f"{', '.join(repr(v) for v in repeated)}")
            if not problems:
                continue
            line, criteria_lines = context.where(bank).rubrics.get(rubric_id, (None, {}))
            for problem in problems:
                context.findings.append(Finding(
                    "rubric", bank.file, criteria_lines.get(criterion.get("id"), line),
                    bank.slug, (f"rubric:{rubric_id}",),
                    f"criterion {criterion.get('id')!r}: {problem}"))
