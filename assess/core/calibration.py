"""How far each grader drifts: against reference answers (leads' grades) and against peers
on double-marked tasks. Pure: the service gathers the pairs."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .agreement import cohen_kappa

DEVIATION_LIMIT = 0.2  # mean distance from the reference, as a share of the maximum
KAPPA_FLOOR = 0.4  # below "moderate" agreement (Landis & Koch) is drift
MIN_PAIRS = 3  # fewer comparisons say nothing yet


@dataclass(frozen=True)
class TaskPair:
    """One task marked by the grader and by someone else (the reference, or a peer)."""

    own: float
    other: float
    max_points: float
    own_levels: Mapping[str, float] = field(default_factory=dict)
    other_levels: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Standing:
    grader_id: int
    references: int
    mean_deviation: float | None  # share of the maximum, 0 = always on the reference
    kappa_reference: float | None  # quadratic-weighted, per criterion level
    peers: int
    kappa_peers: float | None
    reasons: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def _kappa(pairs: Sequence[TaskPair]) -> float | None:
    own, other = [], []
    for pair in pairs:
        for criterion, points in pair.own_levels.items():
            if criterion in pair.other_levels:
                own.append(points)
                other.append(pair.other_levels[criterion])
    if len(own) < 2:
        return None
    categories = sorted(set(own) | set(other))
    return cohen_kappa(own, other, categories=categories, weights="quadratic")


def standing(grader_id: int, references: Sequence[TaskPair], peers: Sequence[TaskPair], *,
             deviation_limit: float = DEVIATION_LIMIT, kappa_floor: float = KAPPA_FLOOR,
             min_pairs: int = MIN_PAIRS) -> Standing:
    deviation = None
    if references:
        deviation = sum(abs(p.own - p.other) / p.max_points for p in references
                        if p.max_points) / len(references)
    kappa_reference, kappa_peers = _kappa(references), _kappa(peers)
    reasons = []
    if len(references) >= min_pairs:
        if deviation is not None and deviation > deviation_limit:
            reasons.append(f"grades {deviation:.0%} of the maximum away from the references "
                           f"on average (limit {deviation_limit:.0%})")
        if kappa_reference is not None and kappa_reference < kappa_floor:
            reasons.append(f"agreement with the references κ = {kappa_reference:.2f} "
                           f"(below {kappa_floor:.2f})")
    if len(peers) >= min_pairs and kappa_peers is not None and kappa_peers < kappa_floor:
        reasons.append(f"agreement with peers κ = {kappa_peers:.2f} (below {kappa_floor:.2f})")
    return Standing(grader_id, len(references), deviation, kappa_reference, len(peers),
                    kappa_peers, tuple(reasons))
