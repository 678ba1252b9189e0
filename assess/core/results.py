"""Summaries of an attempt's auto-graded part, per skill and overall, in plain numbers."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from .scoring import part_skills


@dataclass(frozen=True)
class ItemOutcome:
    position: int
    skills: tuple[str, ...]
    points: float
    max_points: float
    answered: bool
    human_parts: int  # parts waiting for a human grader


@dataclass
class Tally:
    points: float = 0.0
    max_points: float = 0.0
    items: int = 0

    @property
    def share(self) -> float | None:
        return self.points / self.max_points if self.max_points else None


@dataclass
class Summary:
    overall: Tally = field(default_factory=Tally)
    by_skill: dict[str, Tally] = field(default_factory=dict)
    answered: int = 0
    items: int = 0
    human_parts: int = 0


def summarise(outcomes: Iterable[ItemOutcome]) -> Summary:
    """Auto-graded points overall and per skill. An item counts fully towards each of its
    skills, so skill tallies overlap; items worth no automatic points are left out of them,
    and so are the skills only written work measures (see ``scoring.part_skills``)."""
    summary = Summary()
    by_skill: dict[str, Tally] = defaultdict(Tally)
    for outcome in outcomes:
        summary.items += 1
        summary.answered += outcome.answered
        summary.human_parts += outcome.human_parts
        summary.overall.points += outcome.points
        summary.overall.max_points += outcome.max_points
        summary.overall.items += 1
        if not outcome.max_points:
            continue
        for skill in part_skills("auto", outcome.skills):
            tally = by_skill[skill]
            tally.points += outcome.points
            tally.max_points += outcome.max_points
            tally.items += 1
    summary.by_skill = dict(sorted(by_skill.items()))
    return summary
