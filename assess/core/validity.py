"""How likely an applicant who answers at random is to reach each tier of an assessment.

The guesser clicks every control uniformly at random (each item's ``guess_distribution``) and
writes nothing, so scores 0 on human-graded parts, whose points still count in the maximum.
Prerequisites of a tier are assumed held: the report asks only whether guessing can pass the
score minimums. Skills are attributed exactly as in ``scoring``.

Exact where feasible, one tier at a time, over just the quantities its rule looks at: points
and maximum overall and for each skill it sets a minimum for. Sections whose pools share items
are drawn together as a group (a draw never repeats an item) and every draw of the group is
listed with its probability, up to ``DRAW_LIMIT`` draws; a section on its own is summed over
its equally likely subsets without listing them. Groups are independent, so their
distributions convolve; partial sums whose outcome is already certain, whatever the groups
still to come add, are set aside, so hopeless tiers cost almost nothing. A tier that needs
more draws or more than ``WORK_LIMIT`` steps is estimated by seeded Monte Carlo instead,
reported with its standard error and a 95% Wilson interval.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, combinations
from operator import add
from typing import Callable, Iterator, Mapping, Sequence

from .scoring import AUTO, PLACES, TierRule, minimum_met, part_skills, share_of

GUESS_WARNING = 0.001  # a tier a guesser reaches more often than this is worth a warning
DRAW_LIMIT = 2000  # draws of one group of sections listed exactly
WORK_LIMIT = 1_000_000  # state combinations one tier's exact answer may take
DEFAULT_SAMPLES = 200_000
Z95 = 1.959964
SCALE = 10 ** PLACES  # points are counted in millionths, so that sums are exact integers

State = tuple[int, ...]  # points per quantity, then max points per quantity (see _Model)
Distribution = dict[State, float]
Checks = list[tuple[int, float, bool]]  # (quantity index, minimum, unmeasured may pass)


@dataclass(frozen=True)
class GuessItem:
    key: object  # unique across the assessment: a draw never repeats a key
    skills: tuple[str, ...]
    auto: Mapping[float, float]  # a guesser's auto points -> probability
    auto_max: float
    written_max: Mapping[str, float] = field(default_factory=dict)  # human part kind -> max


@dataclass(frozen=True)
class GuessSection:
    slug: str
    draw: int
    pool: tuple[GuessItem, ...]


@dataclass(frozen=True)
class TierOdds:
    slug: str
    name: str
    probability: float
    method: str  # "exact" | "monte_carlo"
    stderr: float | None = None
    samples: int | None = None
    interval: tuple[float, float] | None = None  # 95% Wilson interval (Monte Carlo only)

    def describe(self) -> str:
        """As text: 0.43% (exact), or 0.43% ± 0.01% (Monte Carlo, 200000 samples, 95% …)."""
        if self.method == "exact":
            return f"{_pct(self.probability)} (exact)"
        low, high = self.interval or (self.probability, self.probability)
        return (f"{_pct(self.probability)} ± {_pct(self.stderr or 0.0)} (Monte Carlo, "
                f"{self.samples} samples, 95% interval {_pct(low)}–{_pct(high)})")


def _pct(probability: float) -> str:
    return f"{probability * 100:.3g}%"


def tier_odds(sections: Sequence[GuessSection], rules: Sequence[TierRule], *, seed: int = 0,
              samples: int = DEFAULT_SAMPLES, draw_limit: int = DRAW_LIMIT,
              monte_carlo: bool = False) -> list[TierOdds]:
    """The chance of reaching each tier (lowest rank first) by guessing alone.

    ``monte_carlo`` forces sampling even where the exact answer is feasible (to cross-check).
    """
    rules = sorted(rules, key=lambda r: r.rank)
    for section in sections:
        if len(section.pool) < section.draw:
            raise ValueError(f"section {section.slug!r} draws {section.draw} items from a pool "
                             f"of {len(section.pool)}")
    odds: dict[str, TierOdds] = {}
    for rule in [] if monte_carlo else rules:
        try:
            odds[rule.slug] = TierOdds(rule.slug, rule.name, _exact(sections, rule, draw_limit),
                                       "exact")
        except TooLarge:
            pass
    sampled = [rule for rule in rules if rule.slug not in odds]
    if sampled:
        odds.update((o.slug, o) for o in _monte_carlo(sections, sampled, seed, samples,
                                                      draw_limit))
    return [odds[rule.slug] for rule in rules]


def worth_warning(odds: Sequence[TierOdds], threshold: float = GUESS_WARNING
                  ) -> list[TierOdds]:
    return [o for o in odds if o.probability > threshold]


# ---- what the rules look at -------------------------------------------------------------------

class TooLarge(Exception):
    """The exact computation would take too long."""


class _Budget:
    def __init__(self, steps: int):
        self.left = steps

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise TooLarge


class _Model:
    """The overall score (index 0) and every skill the rules set a minimum for; each item's
    distribution over their points and maximums, in millionths of a point."""

    def __init__(self, rules: Sequence[TierRule]):
        self.quantities: tuple[str | None, ...] = (
            None, *sorted({s for r in rules for s in r.min_skills}))
        self.n = len(self.quantities)
        self.zero: State = (0,) * (2 * self.n)
        self._items: dict[object, Distribution] = {}

    def checks(self, rule: TierRule) -> Checks:
        """One check per minimum: only the overall score may pass unmeasured (see scoring)."""
        return [(0, rule.min_overall, True)] + [
            (self.quantities.index(skill), minimum, False)
            for skill, minimum in rule.min_skills.items()]

    def item(self, item: GuessItem) -> Distribution:
        if item.key not in self._items:
            self._items[item.key] = self._distribution(item)
        return self._items[item.key]

    def _distribution(self, item: GuessItem) -> Distribution:
        skills = set(part_skills(AUTO, item.skills)) if item.auto_max else set()
        counted = [q is None or q in skills for q in self.quantities]
        maxes = [item.auto_max if c else 0.0 for c in counted]
        for kind, max_points in item.written_max.items():
            towards = part_skills(kind, item.skills)
            for i, q in enumerate(self.quantities):
                if q is None or q in towards:
                    maxes[i] += max_points
        tail = tuple(_millionths(m) for m in maxes)
        result: Distribution = {}
        for points, probability in item.auto.items():
            state = tuple(_millionths(points) if c else 0 for c in counted) + tail
            result[state] = result.get(state, 0.0) + probability
        return result


def _millionths(points: float) -> int:
    return round(points * SCALE)


def _met(checks: Checks, shares: Sequence[float | None]) -> bool:
    return all(minimum_met(shares[i], minimum, unmeasured_ok=ok) for i, minimum, ok in checks)


# ---- exact -----------------------------------------------------------------------------------

def _convolve(a: Distribution, b: Distribution, budget: _Budget) -> Distribution:
    budget.spend(len(a) * len(b))
    result: Distribution = {}
    for sa, pa in a.items():
        for sb, pb in b.items():
            state = tuple(map(add, sa, sb))
            result[state] = result.get(state, 0.0) + pa * pb
    return result


def _mix(into: Distribution, weight: float, dist: Distribution) -> None:
    for state, p in dist.items():
        into[state] = into.get(state, 0.0) + weight * p


def _groups(sections: Sequence[GuessSection]) -> list[list[GuessSection]]:
    """Sections joined when their pools share an item, in blueprint order within a group."""
    groups: list[tuple[set, list[int]]] = []
    for index, section in enumerate(sections):
        keys = {item.key for item in section.pool}
        joined = [g for g in groups if g[0] & keys]
        for group in joined:
            groups.remove(group)
        groups.append((keys.union(*(g[0] for g in joined)),
                       sorted([index, *(i for g in joined for i in g[1])])))
    return [[sections[i] for i in members] for _, members in groups]


def _draws(sections: Sequence[GuessSection], taken: frozenset = frozenset(),
           ) -> Iterator[tuple[float, tuple[GuessItem, ...]]]:
    """Every draw of the sections with its probability, as ``selection.draw`` makes them."""
    if not sections:
        yield 1.0, ()
        return
    first, rest = sections[0], sections[1:]
    available = [item for item in first.pool if item.key not in taken]
    if len(available) < first.draw:
        raise ValueError(f"section {first.slug!r} may run out of items to draw")
    ways = math.comb(len(available), first.draw)
    for chosen in combinations(available, first.draw):
        for probability, later in _draws(rest, taken | {item.key for item in chosen}):
            yield probability / ways, chosen + later


def _choose(section: GuessSection, model: _Model, budget: _Budget) -> Distribution:
    """One section's total over its equally likely subsets, without listing them: after each
    item, ``chosen[k]`` sums the distributions of every k-subset so far."""
    chosen: list[Distribution] = [{model.zero: 1.0}] + [{} for _ in range(section.draw)]
    for item in section.pool:
        for k in range(section.draw - 1, -1, -1):
            if chosen[k]:
                _mix(chosen[k + 1], 1.0, _convolve(chosen[k], model.item(item), budget))
    ways = math.comb(len(section.pool), section.draw)
    return {state: p / ways for state, p in chosen[-1].items()}


def _group_distribution(group: Sequence[GuessSection], model: _Model, budget: _Budget,
                        draw_limit: int) -> Distribution:
    if len(group) == 1:
        return _choose(group[0], model, budget)
    if math.prod(math.comb(len(s.pool), s.draw) for s in group) > draw_limit:
        raise TooLarge
    mixed: Distribution = {}
    for probability, items in _draws(group):
        drawn: Distribution = {model.zero: 1.0}
        for item in items:
            drawn = _convolve(drawn, model.item(item), budget)
        _mix(mixed, probability, drawn)
    return mixed


def _verdict(checks: Checks, state: State, low: State, high: State, n: int) -> bool | None:
    """Whether the rule is met whatever the groups still to come add (``low``..``high`` per
    coordinate); ``None`` while that is open. A share never exceeds 1, and an unmeasured
    quantity fares no better than a share of 0."""
    certain = True
    for i, minimum, unmeasured_ok in checks:
        least_max, most_max = state[n + i] + low[n + i], state[n + i] + high[n + i]
        if not most_max:
            best = None
        else:
            reach = share_of(state[i] + high[i], least_max)  # None when least_max is 0
            best = 1.0 if reach is None else min(1.0, reach)
        worst = share_of(state[i] + low[i], most_max) if least_max else None
        if not minimum_met(best, minimum, unmeasured_ok=unmeasured_ok):
            return False
        certain = certain and minimum_met(worst, minimum, unmeasured_ok=unmeasured_ok)
    return True if certain else None


def _exact(sections: Sequence[GuessSection], rule: TierRule, draw_limit: int) -> float:
    model, budget = _Model([rule]), _Budget(WORK_LIMIT)
    checks = model.checks(rule)
    groups = [_group_distribution(g, model, budget, draw_limit) for g in _groups(sections)]
    # What the groups from step k on can add at least and at most, per coordinate.
    lows, highs = [model.zero], [model.zero]
    for group in reversed(groups):
        lows.insert(0, tuple(map(add, lows[0], map(min, zip(*group)))))
        highs.insert(0, tuple(map(add, highs[0], map(max, zip(*group)))))
    reached, open_states = 0.0, {model.zero: 1.0}
    for step in range(len(groups) + 1):
        budget.spend(len(open_states))
        still_open: Distribution = {}
        for state, p in open_states.items():
            verdict = _verdict(checks, state, lows[step], highs[step], model.n)
            if verdict is None:
                still_open[state] = p
            elif verdict:
                reached += p
        if not still_open:
            break
        open_states = _convolve(still_open, groups[step], budget)
    return min(1.0, round(reached, 12))


# ---- Monte Carlo -----------------------------------------------------------------------------

MIXTURE_WORK = 200_000  # steps spent on a group's exact mixture before sampling it item by item


@dataclass(frozen=True)
class _Table:
    """A distribution to sample from by inverse transform."""

    states: tuple[State, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, dist: Distribution) -> _Table:
        return cls(tuple(dist), tuple(accumulate(dist.values())))

    def sample(self, rng: random.Random) -> State:
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.states[min(index, len(self.states) - 1)]


def _group_sampler(group: Sequence[GuessSection], model: _Model,
                   draw_limit: int) -> Callable[[random.Random], State]:
    """Samples a group's total from its exact mixture when that is cheap, else by drawing
    items as ``selection.draw`` does and sampling each item's points."""
    try:
        return _Table.of(_group_distribution(group, model, _Budget(MIXTURE_WORK),
                                             draw_limit)).sample
    except TooLarge:
        pass
    tables = {item.key: _Table.of(model.item(item)) for s in group for item in s.pool}

    def sample(rng: random.Random) -> State:
        taken: set = set()
        total = model.zero
        for section in group:
            available = [item.key for item in section.pool if item.key not in taken]
            for key in rng.sample(available, section.draw):
                taken.add(key)
                total = tuple(map(add, total, tables[key].sample(rng)))
        return total
    return sample


def _monte_carlo(sections: Sequence[GuessSection], rules: Sequence[TierRule], seed: int,
                 samples: int, draw_limit: int) -> list[TierOdds]:
    rng = random.Random(seed)
    model = _Model(rules)
    samplers = [_group_sampler(g, model, draw_limit) for g in _groups(sections)]
    checks = [model.checks(rule) for rule in rules]
    n = model.n
    hits = [0] * len(rules)
    for _ in range(samples):
        state = model.zero
        for sample in samplers:
            state = tuple(map(add, state, sample(rng)))
        shares = [share_of(state[i], state[n + i]) for i in range(n)]
        for r, rule_checks in enumerate(checks):
            hits[r] += _met(rule_checks, shares)
    return [_estimate(rule, hit, samples) for rule, hit in zip(rules, hits)]


def _estimate(rule: TierRule, hits: int, samples: int) -> TierOdds:
    p = hits / samples
    stderr = math.sqrt(p * (1 - p) / samples)
    # Wilson score interval: sensible even when no sample reached the tier.
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * samples)) / (1 + z2 / samples)
    spread = Z95 * math.sqrt(p * (1 - p) / samples + z2 / (4 * samples * samples)) \
        / (1 + z2 / samples)
    low = 0.0 if hits == 0 else max(0.0, centre - spread)
    high = 1.0 if hits == samples else min(1.0, centre + spread)
    return TierOdds(rule.slug, rule.name, p, "monte_carlo", stderr, samples, (low, high))
