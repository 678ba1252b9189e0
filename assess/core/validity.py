"""How likely an applicant who answers at random is to reach each tier of an assessment.

The guesser clicks every control uniformly at random (each item's ``guess_distribution``) and
writes nothing, so scores 0 on human-graded parts whose points still count in the maximum.
Prerequisites of a tier are assumed held: the report asks only whether guessing can pass the
score minimums. Skills are attributed exactly as in ``scoring``.

Exact where feasible, one tier at a time, over just the quantities its rule looks at: points
and maximum overall and for each skill it sets a minimum for. Sections whose pools share items
are drawn together as a group (a draw never repeats an item) and every draw of the group is
listed with its probability, up to ``DRAW_LIMIT`` draws; a section on its own is summed over
its equally likely subsets without listing them. Groups are independent, so their
distributions convolve; partial sums whose outcome is already certain, whatever the groups
still to come add, are set aside, so hopeless tiers cost almost nothing. A tier that would
need more draws, or a convolution of more than ``WORK_LIMIT`` pairs of states, is estimated
by seeded Monte Carlo instead and reported with its standard error and a 95% Wilson interval.
"""
from __future__ import annotations

import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, combinations
from typing import Iterator, Mapping, Sequence

from .scoring import (AUTO, PART_SKILLS, PLACES, TierRule, meets_minimums, part_skills,
                      share_of)

GUESS_WARNING = 0.001  # a tier a guesser reaches more often than this is worth a warning
DRAW_LIMIT = 2000  # draws of one group of sections enumerated exactly
WORK_LIMIT = 2_000_000  # state pairs one convolution step may combine
DEFAULT_SAMPLES = 200_000
Z95 = 1.959964

State = tuple[float, ...]  # points per quantity, then max points per quantity (see _quantities)
Distribution = dict[State, float]


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


class TooLarge(Exception):
    """The exact computation would take too long: fall back to Monte Carlo."""


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
        odds.update((o.slug, o) for o in _monte_carlo(sections, sampled, seed, samples))
    return [odds[rule.slug] for rule in rules]


def worth_warning(odds: Sequence[TierOdds], threshold: float = GUESS_WARNING
                  ) -> list[TierOdds]:
    return [o for o in odds if o.probability > threshold]


# ---- the quantities a rule looks at ----------------------------------------------------------

def _quantities(rules: Sequence[TierRule]) -> tuple[str | None, ...]:
    """``None`` for the overall score, then every skill the rules set a minimum for."""
    return (None, *sorted({s for r in rules for s in r.min_skills}))


def _shares(state: State, n: int) -> list[float | None]:
    return [share_of(state[i], state[n + i]) for i in range(n)]


def _meets(rule: TierRule, shares: Sequence[float | None],
           quantities: Sequence[str | None]) -> bool:
    return meets_minimums(rule, shares[0], dict(zip(quantities[1:], shares[1:])))


def _counts_towards(item: GuessItem, quantities: Sequence[str | None]) -> list[int]:
    """Indexes of the quantities the item's auto points count towards."""
    skills = set(part_skills(AUTO, item.skills)) if item.auto_max else set()
    return [i for i, q in enumerate(quantities) if q is None or q in skills]


def _max_vector(item: GuessItem, quantities: Sequence[str | None]) -> list[float]:
    maxes = [0.0] * len(quantities)
    for i in _counts_towards(item, quantities):
        maxes[i] += item.auto_max
    for kind, max_points in item.written_max.items():
        for i, q in enumerate(quantities):
            if max_points and (q is None or q == PART_SKILLS[kind]):
                maxes[i] += max_points
    return maxes


def _item_distribution(item: GuessItem, quantities: Sequence[str | None]) -> Distribution:
    counted, maxes = _counts_towards(item, quantities), tuple(_max_vector(item, quantities))
    result: Distribution = {}
    for points, probability in item.auto.items():
        key = tuple(points if i in counted else 0.0 for i in range(len(quantities))) + maxes
        result[key] = result.get(key, 0.0) + probability
    return result


# ---- exact -----------------------------------------------------------------------------------

def _convolve(a: Distribution, b: Distribution) -> Distribution:
    if len(a) * len(b) > WORK_LIMIT:
        raise TooLarge
    result: Distribution = {}
    for sa, pa in a.items():
        for sb, pb in b.items():
            key = tuple(round(x + y, PLACES) for x, y in zip(sa, sb))
            result[key] = result.get(key, 0.0) + pa * pb
    return result


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
        keys = taken | {item.key for item in chosen}
        for probability, later in _draws(rest, keys):
            yield probability / ways, chosen + later


def _add(into: Distribution, weight: float, dist: Distribution) -> None:
    for state, p in dist.items():
        into[state] = into.get(state, 0.0) + weight * p


def _choose(section: GuessSection, dist, zero: State) -> Distribution:
    """One section's sum over its uniformly drawn subset, without listing the subsets: after
    each item, ``chosen[k]`` holds the summed distributions of every k-subset so far."""
    chosen: list[Distribution] = [{zero: 1.0}] + [{} for _ in range(section.draw)]
    for item in section.pool:
        for k in range(section.draw - 1, -1, -1):
            if chosen[k]:
                _add(chosen[k + 1], 1.0, _convolve(chosen[k], dist(item)))
    ways = math.comb(len(section.pool), section.draw)
    return {state: p / ways for state, p in chosen[-1].items()}


def _group_distribution(group: Sequence[GuessSection], dist, zero: State,
                        draw_limit: int) -> Distribution:
    if len(group) == 1:
        return _choose(group[0], dist, zero)
    if math.prod(math.comb(len(s.pool), s.draw) for s in group) > draw_limit:
        raise TooLarge
    mixed: Distribution = {}
    for probability, items in _draws(group):
        drawn: Distribution = {zero: 1.0}
        for item in items:
            drawn = _convolve(drawn, dist(item))
        _add(mixed, probability, drawn)
    return mixed


def _verdict(rule: TierRule, state: State, low: State, high: State,
             quantities: Sequence[str | None]) -> bool | None:
    """Whether the rule is met whatever the groups still to come add (``low``..``high`` per
    coordinate); ``None`` while that is still open. A share never exceeds 1, and an unmeasured
    quantity fares no better than a share of 0."""
    n = len(quantities)
    best, worst = [], []
    for i in range(n):
        least_max, most_max = state[n + i] + low[n + i], state[n + i] + high[n + i]
        if not most_max:  # certainly unmeasured
            best.append(None)
        else:
            best.append(min(1.0, share_of(state[i] + high[i], least_max)) if least_max else 1.0)
        worst.append(share_of(state[i] + low[i], most_max) if least_max else None)
    if _meets(rule, worst, quantities):
        return True
    if not _meets(rule, best, quantities):
        return False
    return None


def _exact(sections: Sequence[GuessSection], rule: TierRule, draw_limit: int) -> float:
    """Convolve the groups one by one, setting aside every partial sum whose outcome is already
    certain, so that hopeless (or certain) tiers cost almost nothing."""
    quantities = _quantities([rule])
    zero = tuple(0.0 for _ in range(2 * len(quantities)))
    cache: dict[object, Distribution] = {}

    def dist(item: GuessItem) -> Distribution:
        if item.key not in cache:
            cache[item.key] = _item_distribution(item, quantities)
        return cache[item.key]

    groups = [_group_distribution(g, dist, zero, draw_limit) for g in _groups(sections)]
    lows, highs = [zero], [zero]  # bounds of what the groups from here on add, last first
    for group in reversed(groups):
        lows.append(tuple(l + min(s[j] for s in group) for j, l in enumerate(lows[-1])))
        highs.append(tuple(h + max(s[j] for s in group) for j, h in enumerate(highs[-1])))
    reached, open_states = 0.0, {zero: 1.0}
    for step in range(len(groups) + 1):
        low, high = lows[len(groups) - step], highs[len(groups) - step]
        still_open: Distribution = {}
        for state, p in open_states.items():
            verdict = _verdict(rule, state, low, high, quantities)
            if verdict is None:
                still_open[state] = p
            elif verdict:
                reached += p
        if step == len(groups) or not still_open:
            break
        open_states = _convolve(still_open, groups[step])
    return min(1.0, round(reached, 12))


# ---- Monte Carlo -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Sampler:
    counted: tuple[int, ...]
    maxes: tuple[float, ...]
    values: tuple[float, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, item: GuessItem, quantities: Sequence[str | None]) -> _Sampler:
        values = tuple(item.auto)
        return cls(tuple(_counts_towards(item, quantities)),
                   tuple(_max_vector(item, quantities)), values,
                   tuple(accumulate(item.auto[v] for v in values)))

    def points(self, rng: random.Random) -> float:
        index = bisect_right(self.cumulative, rng.random() * self.cumulative[-1])
        return self.values[min(index, len(self.values) - 1)]


def _monte_carlo(sections: Sequence[GuessSection], rules: Sequence[TierRule], seed: int,
                 samples: int) -> list[TierOdds]:
    """Sample a draw as ``selection.draw`` makes it, then each drawn item's points."""
    rng = random.Random(seed)
    quantities = _quantities(rules)
    n = len(quantities)
    samplers = {item.key: _Sampler.of(item, quantities)
                for section in sections for item in section.pool}
    hits = [0] * len(rules)
    for _ in range(samples):
        taken: set = set()
        state = [0.0] * (2 * n)
        for section in sections:
            available = [item.key for item in section.pool if item.key not in taken]
            if len(available) < section.draw:
                raise ValueError(f"section {section.slug!r} may run out of items to draw")
            for key in rng.sample(available, section.draw):
                taken.add(key)
                sampler = samplers[key]
                points = sampler.points(rng)
                for i in sampler.counted:
                    state[i] += points
                for i, max_points in enumerate(sampler.maxes):
                    state[n + i] += max_points
        shares = _shares(tuple(state), n)
        for r, rule in enumerate(rules):
            hits[r] += _meets(rule, shares, quantities)
    return [_estimate(rule, hit, samples) for rule, hit in zip(rules, hits)]


def _estimate(rule: TierRule, hits: int, samples: int) -> TierOdds:
    p = hits / samples
    stderr = math.sqrt(p * (1 - p) / samples)
    # Wilson score interval: sensible even when no sample reached the tier.
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * samples)) / (1 + z2 / samples)
    spread = Z95 * math.sqrt(p * (1 - p) / samples + z2 / (4 * samples * samples)) \
        / (1 + z2 / samples)
    return TierOdds(rule.slug, rule.name, p, "monte_carlo", stderr, samples,
                    (max(0.0, centre - spread), min(1.0, centre + spread)))
