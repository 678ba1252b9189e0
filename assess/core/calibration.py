"""How far each grader drifts: against reference answers (leads' grades) and against peers
on double-marked tasks. Pure: the service gathers the pairs.

Every number comes with an uncertainty interval, and a grader is flagged only on enough
compared marks (``min_marks`` tasks) and only when a whole interval lies on the wrong side of
its limit: a weighted kappa whose interval is entirely below ``kappa_floor``, or a mean
deviation from the references whose interval is entirely above ``deviation_limit``. Kappa and
deviation intervals are percentile bootstraps over tasks (a task's criteria are marked
together, so tasks are the independent units), seeded so that a page shows the same interval
every time; the exact-agreement rate has a Wilson interval."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import chain
from typing import Mapping, Sequence

from .agreement import kappa_from_counts
from .intervals import (
    CONFIDENCE,
    RESAMPLES,
    SEED,
    Interval,
    bootstrap_intervals,
    mean,
    wilson_interval,
)

DEVIATION_LIMIT = 0.2  # mean distance from the reference, as a share of the maximum
KAPPA_FLOOR = 0.4  # below "moderate" agreement (Landis & Koch) is drift
MIN_MARKS = 30  # compared marks (tasks) before a grader can be flagged at all
_SAME = 1e-9  # points closer than this are the same mark


@dataclass(frozen=True)
class TaskPair:
    """One task marked by the grader and by someone else (the reference, or a peer)."""

    own: float
    other: float
    max_points: float
    own_levels: Mapping[str, float] = field(default_factory=dict)
    other_levels: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Agreement:
    """A grader's marks compared with one source (the references, or peers), each number
    with its interval (``None`` where it cannot be computed)."""

    tasks: int  # compared marks: tasks both sides marked
    exact: int  # of them, marked with exactly the same points
    exact_interval: Interval | None  # Wilson
    kappa: float | None  # quadratic-weighted, over criterion levels
    kappa_interval: Interval | None  # bootstrap over tasks
    deviation: float | None  # mean |own − other| as a share of the maximum
    deviation_interval: Interval | None  # bootstrap over tasks

    @property
    def exact_rate(self) -> float | None:
        return self.exact / self.tasks if self.tasks else None


@dataclass(frozen=True)
class Standing:
    grader_id: int
    reference: Agreement
    peer: Agreement
    min_marks: int
    reasons: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)

    @property
    def references(self) -> int:
        return self.reference.tasks

    @property
    def peers(self) -> int:
        return self.peer.tasks

    @property
    def mean_deviation(self) -> float | None:
        return self.reference.deviation

    @property
    def kappa_reference(self) -> float | None:
        return self.reference.kappa

    @property
    def kappa_peers(self) -> float | None:
        return self.peer.kappa

    @property
    def enough_references(self) -> bool:
        return self.references >= self.min_marks

    @property
    def enough_peers(self) -> bool:
        return self.peers >= self.min_marks


def _level_pairs(pair: TaskPair) -> tuple[tuple[float, float], ...]:
    """A task as the unit the bootstrap resamples: its (own, other) criterion levels."""
    return tuple(sorted((points, pair.other_levels[criterion])
                        for criterion, points in pair.own_levels.items()
                        if criterion in pair.other_levels))


def _kappa_statistic(categories: Sequence[float]):
    def kappa(units: Sequence[tuple]) -> float | None:
        # Counting the cells of all the tasks at once keeps the loop in C: the bootstrap
        # calls this a thousand times.
        return kappa_from_counts(Counter(chain.from_iterable(levels for levels, _ in units)),
                                 categories=categories, weights="quadratic")
    return kappa


def _mean_deviation(units: Sequence[tuple]) -> float | None:
    return mean([deviation for _, deviation in units if deviation is not None])


def compare(pairs: Sequence[TaskPair], *, confidence: float = CONFIDENCE,
            resamples: int = RESAMPLES, seed: int = SEED) -> Agreement:
    """Exact agreement, weighted kappa and mean deviation of ``pairs``, with intervals."""
    exact = sum(abs(p.own - p.other) < _SAME for p in pairs)
    # The bootstrap's unit is the task: its (own, other) criterion levels and its deviation.
    units = [(_level_pairs(p), abs(p.own - p.other) / p.max_points if p.max_points else None)
             for p in pairs]
    categories = sorted({level for levels, _ in units for cell in levels for level in cell})
    kappa_of = _kappa_statistic(categories)
    kappa = kappa_of(units) if sum(len(levels) for levels, _ in units) >= 2 else None
    deviation = _mean_deviation(units)
    statistics = {}
    if len(units) >= 2:  # one task has no spread to resample: no interval
        if kappa is not None:
            statistics["kappa"] = kappa_of
        if deviation is not None:
            statistics["deviation"] = _mean_deviation
    # A resample where kappa is undefined is one where both sides gave every mark the same
    # single level, that is, perfect agreement (or, with marks on different rubric versions,
    # one with no criterion in common): it counts as 1, which can only make a flag less likely.
    intervals = bootstrap_intervals(units, statistics, confidence=confidence,
                                    resamples=resamples, seed=seed,
                                    undefined={"kappa": 1.0}) if statistics else {}
    return Agreement(len(pairs), exact,
                     wilson_interval(exact, len(pairs), confidence=confidence),
                     kappa, intervals.get("kappa"), deviation, intervals.get("deviation"))


def standing(grader_id: int, references: Sequence[TaskPair], peers: Sequence[TaskPair], *,
             deviation_limit: float = DEVIATION_LIMIT, kappa_floor: float = KAPPA_FLOOR,
             min_marks: int = MIN_MARKS, confidence: float = CONFIDENCE,
             resamples: int = RESAMPLES, seed: int = SEED) -> Standing:
    def measured(pairs: Sequence[TaskPair]) -> Agreement:
        return compare(pairs, confidence=confidence, resamples=resamples, seed=seed)
    reference, peer = measured(references), measured(peers)
    reasons = []
    if reference.tasks >= min_marks:
        span = reference.deviation_interval
        if span is not None and span.above(deviation_limit):
            reasons.append(f"grades {reference.deviation:.0%} of the maximum away from the "
                           f"references on average ({span.describe('{:.0%}')}, all above "
                           f"the {deviation_limit:.0%} limit)")
        span = reference.kappa_interval
        if span is not None and span.below(kappa_floor):
            reasons.append(f"agreement with the references κ = {reference.kappa:.2f} "
                           f"({span.describe()}, all below {kappa_floor:.2f})")
    if peer.tasks >= min_marks:
        span = peer.kappa_interval
        if span is not None and span.below(kappa_floor):
            reasons.append(f"agreement with peers κ = {peer.kappa:.2f} "
                           f"({span.describe()}, all below {kappa_floor:.2f})")
    return Standing(grader_id, reference, peer, min_marks, tuple(reasons))
