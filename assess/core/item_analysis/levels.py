"""The per-criterion levels behind a final human grade (item analysis's rubric criteria)."""
from __future__ import annotations

import math
from typing import Mapping, Sequence


def final_levels(resolution: str | None, grades: Sequence[tuple[str, Mapping[str, float]]]
                 ) -> dict[str, float] | None:
    """The per-criterion points behind a final human grade, from its grades in the order given
    ((kind, levels) pairs, oldest first): the latest appeal or adjudication decides when the
    task was resolved so; otherwise the mean of the independent grades (one for a single mark,
    two agreeing marks averaged, as ``core.grading.resolve`` averages their totals)."""
    decisive = {"appeal": "appeal", "adjudicated": "adjudication"}.get(resolution or "")
    if decisive:
        chosen = [levels for kind, levels in grades if kind == decisive]
        if chosen:
            return {k: float(v) for k, v in chosen[-1].items()}
    independent = [levels for kind, levels in grades if kind == "independent"]
    if not independent:
        return None
    if len(independent) == 1:
        return {k: float(v) for k, v in independent[0].items()}
    keys = sorted({k for levels in independent for k in levels})
    return {k: math.fsum(float(levels.get(k, 0.0)) for levels in independent) / len(independent)
            for k in keys}
