"""Which ways of answering reach which tier: test-taking strategies simulated over draws.

Pure: items come as ``SimItem`` (built from bank content by ``banks/strategies``), draws are
seeded, and every simulated attempt is scored by ``scoring.score`` and judged by
``scoring.check_rule`` exactly as a real one (prerequisite certificates assumed held).

A profile is a way of answering the keyed part (a strategy: ``gold`` knows every key,
``random`` clicks at random, or a shortcut such as ``longest``) and an assumption about the
written grades: each written part the strategy writes earns ``written`` of its rubric's
maximum (``None``: writes nothing). Fact-check corrections only count where the strategy
labelled a claim false (``SimOutcome.counted``), as grading counts them.

The skill model (for the keyed part's reliability): an applicant of ability θ ~ N(0, 1) knows
an item's key with probability 1 / (1 + exp(-1.7 (θ − b))), b being the item's difficulty
(easy −1, medium 0, hard +1); one who knows it answers with the key, one who does not
guesses at random. KR-20 (Cronbach's α on the keyed items' shares) is computed per draw.
"""
from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Sequence

from .scoring import AUTO, ItemScore, PartScore, TierRule, Weights, check_rule, score

DISCRIMINATION = 1.7  # logistic slope of the skill model (≈ a normal ogive with slope 1)
DIFFICULTY = {"easy": -1.0, "medium": 0.0, "hard": 1.0}
SHORTCUT_BAR = 0.001  # a shortcut with middle written grades may reach a tier this often
FORM_BAR = 0.01  # identical performance may get a different tier on this share of draws
KR20_BAR = 0.7
WRITTEN_LEVELS = {"lowest": 0.0, "middle": 0.5, "top": 1.0}


@dataclass(frozen=True)
class SimOutcome:
    keyed: float  # share of the item's keyed part earned
    counted: frozenset[int] = frozenset()  # indexes of scored slots a writer's text counts in


@dataclass(frozen=True)
class SimItem:
    key: object
    type: str
    skills: tuple[str, ...]
    auto_max: float
    slots: tuple[tuple[str, float], ...]  # scored human parts: (kind, max points)
    outcomes: Mapping[str, tuple[SimOutcome, ...]]  # strategy -> outcomes over presentations
    difficulty: float = 0.0


@dataclass(frozen=True)
class SimSection:
    slug: str
    draw: int
    pool: tuple[SimItem, ...]


@dataclass(frozen=True)
class Profile:
    name: str
    strategy: str  # a key of SimItem.outcomes
    written: float | None  # share earned on each written part it writes; None writes nothing
    shortcut: bool = False  # a test-taking shortcut: held to SHORTCUT_BAR


@dataclass(frozen=True)
class ProfileResult:
    profile: Profile
    reach: Mapping[str, float]  # tier slug -> probability of reaching at least that tier
    tiers: Mapping[str | None, int]  # tier reached (highest) -> number of draws
    draws: int
    keyed_mean: float

    @property
    def any_tier(self) -> float:
        return max(self.reach.values(), default=0.0)

    @property
    def disagreement(self) -> float:
        """Share of draws whose tier is not the most common one (form equivalence)."""
        return 1 - max(self.tiers.values()) / self.draws if self.draws else 0.0


@dataclass(frozen=True)
class Report:
    results: tuple[ProfileResult, ...]
    kr20: tuple[float, ...]  # per simulated draw
    draws: int

    @property
    def kr20_mean(self) -> float | None:
        return statistics.fmean(self.kr20) if self.kr20 else None

    def problems(self) -> list[str]:
        """What fails the bars: shortcuts reaching a tier with middle written grades, forms
        that are not equal, a keyed part that is not reliable."""
        found = []
        for result in self.results:
            p = result.profile
            if p.shortcut and p.written == WRITTEN_LEVELS["middle"] and \
                    result.any_tier > SHORTCUT_BAR:
                tier = max(result.reach, key=lambda name: result.reach[name])
                found.append(f"the shortcut '{p.strategy}' with middle written grades reaches "
                             f"{tier} in {result.reach[tier]:.2%} of draws (bar "
                             f"{SHORTCUT_BAR:.1%})")
            if p.strategy == "gold" and result.disagreement > FORM_BAR:
                found.append(f"'{p.name}' gets different tiers on {result.disagreement:.1%} of "
                             f"draws (bar {FORM_BAR:.0%}): the forms are not equal")
        mean = self.kr20_mean
        if mean is not None and mean < KR20_BAR:
            found.append(f"simulated KR-20 of the keyed part is {mean:.2f} "
                         f"(weakest draw {min(self.kr20):.2f}; bar {KR20_BAR})")
        return found


def sample_draw(sections: Sequence[SimSection], rng: random.Random
                ) -> list[tuple[str, SimItem]]:
    """One draw: each section's items without repeats across sections (as ``selection.draw``)."""
    taken: set[object] = set()
    drawn: list[tuple[str, SimItem]] = []
    for section in sections:
        available = [item for item in section.pool if item.key not in taken]
        chosen = rng.sample(available, section.draw)
        taken.update(item.key for item in chosen)
        drawn.extend((section.slug, item) for item in chosen)
    return drawn


def attempt_scores(drawn: Sequence[tuple[str, SimItem]], strategies: Sequence[str],
                   written: float | None, rng: random.Random) -> list[ItemScore]:
    """One simulated attempt: item ``n`` answered by ``strategies[n]``."""
    items = []
    for position, ((section, item), strategy) in enumerate(zip(drawn, strategies), start=1):
        outcomes = item.outcomes.get(strategy) or item.outcomes["random"]
        outcome = outcomes[rng.randrange(len(outcomes))]
        parts = [PartScore(AUTO, outcome.keyed * item.auto_max, item.auto_max)]
        for index, (kind, maximum) in enumerate(item.slots):
            points = written * maximum \
                if written is not None and index in outcome.counted else 0.0
            parts.append(PartScore(kind, points, maximum))
        items.append(ItemScore(position, section, item.skills, tuple(parts)))
    return items


def highest_tier(items: Sequence[ItemScore], weights: Weights | None,
                 rules: Sequence[TierRule]) -> tuple[str | None, float | None]:
    """The tier a simulated attempt reaches (prerequisites assumed held) and its keyed share."""
    scored = score(items, weights)
    reached = None
    for rule in sorted(rules, key=lambda r: r.rank):
        if check_rule(scored, _without_requirements(rule), (), {}, _EPOCH).met:
            reached = rule.slug
    keyed = scored.by_part.get("keyed")
    return reached, keyed.share if keyed else None


def simulate(sections: Sequence[SimSection], weights: Weights | None,
             rules: Sequence[TierRule], profiles: Sequence[Profile], *, draws: int = 3000,
             seed: int = 0, kr20_draws: int = 60, kr20_applicants: int = 300) -> Report:
    """Every profile over the same ``draws`` seeded draws, and the keyed part's simulated
    KR-20 over ``kr20_draws`` draws of ``kr20_applicants`` applicants each."""
    rng = random.Random(seed)
    sampled = [sample_draw(sections, rng) for _ in range(draws)]
    ranks = {r.slug: r.rank for r in rules}
    results = []
    for profile in profiles:
        counts: Counter = Counter()
        keyed_total = 0.0
        play = random.Random(f"{seed}:{profile.name}")
        for drawn in sampled:
            tier, keyed = highest_tier(
                attempt_scores(drawn, [profile.strategy] * len(drawn), profile.written, play),
                weights, rules)
            counts[tier] += 1
            keyed_total += keyed or 0.0
        reach = {slug: sum(n for t, n in counts.items()
                           if t is not None and ranks[t] >= rank) / draws
                 for slug, rank in ranks.items()}
        results.append(ProfileResult(profile, reach, dict(counts), draws,
                                     keyed_total / draws if draws else 0.0))
    kr20 = tuple(_kr20(sample_draw(sections, rng), kr20_applicants, rng)
                 for _ in range(kr20_draws))
    return Report(tuple(results), tuple(k for k in kr20 if k is not None), draws)


def knows(theta: float, difficulty: float) -> float:
    return 1 / (1 + math.exp(-DISCRIMINATION * (theta - difficulty)))


def _kr20(drawn: Sequence[tuple[str, SimItem]], applicants: int,
          rng: random.Random) -> float | None:
    keyed = [item for _, item in drawn if item.auto_max > 0]
    if len(keyed) < 2:
        return None
    rows = []
    for _ in range(applicants):
        theta = rng.gauss(0, 1)
        row = []
        for item in keyed:
            strategy = "gold" if rng.random() < knows(theta, item.difficulty) else "random"
            outcomes = item.outcomes[strategy]
            row.append(outcomes[rng.randrange(len(outcomes))].keyed)
        rows.append(row)
    return cronbach_alpha(rows)


def cronbach_alpha(rows: Sequence[Sequence[float]]) -> float | None:
    """α = k/(k−1) · (1 − Σ item variances / variance of totals); KR-20 for 0/1 scores."""
    k = len(rows[0]) if rows else 0
    if k < 2 or len(rows) < 2:
        return None
    item_var = sum(statistics.pvariance([row[i] for row in rows]) for i in range(k))
    total_var = statistics.pvariance([sum(row) for row in rows])
    if total_var == 0:
        return None
    return k / (k - 1) * (1 - item_var / total_var)


def _without_requirements(rule: TierRule) -> TierRule:
    return TierRule(rule.slug, rule.name, rule.rank, rule.min_overall, rule.min_skills, (),
                    rule.valid_days, rule.min_parts)


_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)  # rules without prerequisites ignore it
