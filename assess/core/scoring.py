"""Item points → section and skill sub-scores → overall score → tier. Pure: ``now`` is passed in.

Skill attribution:

- A human-graded part counts towards its own skill only (``PART_SKILLS``): a justification
  towards written reasoning, a rewrite towards rewriting, a correction towards fact-checking.
- The automatic part counts towards each of the item's skills except the written-only ones
  (``WRITTEN_ONLY``: written reasoning and rewriting), which only written work measures. A
  pairwise item tagged ``written_reasoning`` thus adds its choice to "judgment" and its
  justification to "written_reasoning".
- An item counts fully towards each of its skills, so skill tallies overlap (as in
  ``results.summarise``). Parts worth no points are left out of every sub-score.

Sections take every part of their items. Shares are rounded to ``PLACES`` decimals so that
7/10 is exactly 0.7 and compares reliably with a 0.7 threshold.

Equal forms. Items are drawn at random, so two draws of one blueprint can carry different
numbers of written parts and different maxima. A blueprint therefore states ``Weights`` for
its parts (``PARTS``: the keyed, auto-graded judgments; written justifications; rewriting;
fact-check corrections) and, within the keyed part, for its sections. Each part's share is
the mean of its normalised pieces (every keyed item counts equally within its section, every
section by its weight; every written part by its own share of its rubric), and the overall
score is the weighted mean of the part shares. Every draw thus weighs each part the same, and
identical performance gets an identical score on every draw. Without weights (older
blueprints) the overall score is the share of all points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Iterable, Mapping, Sequence

AUTO = "auto"
PART_SKILLS: Mapping[str, str] = MappingProxyType({
    "justification": "written_reasoning",
    "rewrite": "rewriting",
    "correction": "fact_checking",
})
WRITTEN_ONLY = frozenset({"written_reasoning", "rewriting"})
PLACES = 6

KEYED = "keyed"
PART_OF_KIND: Mapping[str, str] = MappingProxyType({
    AUTO: KEYED, "justification": "written", "rewrite": "rewriting",
    "correction": "corrections"})
PARTS = (KEYED, "written", "rewriting", "corrections")
PART_LABELS: Mapping[str, str] = MappingProxyType({
    KEYED: "Keyed judgment", "written": "Written justifications", "rewriting": "Rewriting",
    "corrections": "Fact-check corrections"})


@dataclass(frozen=True)
class Weights:
    """A blueprint's weights: per part (normalised over the parts a draw contains) and, within
    the keyed part, per section (a section not named weighs as many items as it holds)."""

    parts: Mapping[str, float]
    sections: Mapping[str, float] = field(default_factory=dict)


def share_of(points: float, max_points: float) -> float | None:
    return round(points / max_points, PLACES) if max_points else None


def reaches(share: float | None, minimum: float) -> bool:
    """Whether a share meets a minimum; exactly at the minimum passes."""
    return share is not None and share >= round(minimum, PLACES)


def part_skills(kind: str, item_skills: Iterable[str]) -> tuple[str, ...]:
    """The skills a part of kind ``kind`` counts towards (see the module docstring)."""
    if kind == AUTO:
        return tuple(s for s in item_skills if s not in WRITTEN_ONLY)
    if kind not in PART_SKILLS:
        raise ValueError(f"unknown part kind {kind!r}; expected {AUTO!r} or one of "
                         f"{', '.join(PART_SKILLS)}")
    return (PART_SKILLS[kind],)


@dataclass(frozen=True)
class PartScore:
    kind: str  # "auto" or a human part kind: "justification" | "rewrite" | "correction"
    points: float | None  # None while a grading task is not final
    max_points: float
    final: bool = True


@dataclass(frozen=True)
class ItemScore:
    position: int
    section: str
    skills: tuple[str, ...]
    parts: tuple[PartScore, ...]


@dataclass(frozen=True)
class Share:
    points: float
    max_points: float
    share: float | None

    @classmethod
    def of(cls, points: float, max_points: float) -> Share:
        points, max_points = round(points, PLACES), round(max_points, PLACES)
        return cls(points, max_points, share_of(points, max_points))


@dataclass(frozen=True)
class Scored:
    pending: bool  # some part is not final yet: the numbers are provisional
    points: float
    max_points: float
    overall: float | None
    by_skill: dict[str, Share] = field(default_factory=dict)
    by_section: dict[str, Share] = field(default_factory=dict)
    # Per part (``PARTS``): points and maximum as drawn, and the normalised share that the
    # weights apply to (see the module docstring).
    by_part: dict[str, Share] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)  # the part weights applied


def score(items: Iterable[ItemScore], weights: Weights | None = None) -> Scored:
    """Total every item's parts per section, per skill and per part, and the overall score
    (weighted by part when the blueprint has weights). Parts still pending count as 0 points
    and mark the result ``pending``."""
    total = [0.0, 0.0]
    skills: dict[str, list[float]] = {}
    sections: dict[str, list[float]] = {}
    parts: dict[str, list[float]] = {}
    pieces: dict[str, list[tuple[str, float]]] = {}  # part -> (section, normalised share)
    pending = False
    for item in items:
        for part in item.parts:
            pending = pending or not part.final
            if not part.max_points:
                continue
            points = part.points or 0.0
            kind = PART_OF_KIND.get(part.kind, part.kind)
            tallies = [total, sections.setdefault(item.section, [0.0, 0.0]),
                       parts.setdefault(kind, [0.0, 0.0])]
            tallies += [skills.setdefault(s, [0.0, 0.0])
                        for s in part_skills(part.kind, item.skills)]
            for tally in tallies:
                tally[0] += points
                tally[1] += part.max_points
            pieces.setdefault(kind, []).append((item.section, points / part.max_points))
    shares = {kind: _part_share(kind, found, weights) for kind, found in pieces.items()}
    by_part = {kind: Share(round(parts[kind][0], PLACES), round(parts[kind][1], PLACES),
                           shares[kind])
               for kind in sorted(parts, key=lambda k: (PARTS + (k,)).index(k))}
    applied: dict[str, float] = {}
    if weights is None:
        overall = Share.of(*total).share
    else:
        applied = {k: weights.parts.get(k, 0.0) for k in shares if weights.parts.get(k, 0.0) > 0}
        weight = sum(applied.values())
        overall = round(sum(w * shares[k] for k, w in applied.items()) / weight, PLACES) \
            if weight else None
    totals = Share.of(*total)
    return Scored(pending, totals.points, totals.max_points, overall,
                  {s: Share.of(*t) for s, t in sorted(skills.items())},
                  {s: Share.of(*t) for s, t in sections.items()},
                  by_part, applied)


def _part_share(kind: str, pieces: Sequence[tuple[str, float]],
                weights: Weights | None) -> float:
    """The mean of a part's normalised pieces; for the keyed part, the section-weighted mean
    of each section's mean (a section without a stated weight weighs its item count)."""
    if kind != KEYED or weights is None or not weights.sections:
        return round(sum(share for _, share in pieces) / len(pieces), PLACES)
    by_section: dict[str, list[float]] = {}
    for section, share in pieces:
        by_section.setdefault(section, []).append(share)
    weighted = [(weights.sections.get(section, len(found)), sum(found) / len(found))
                for section, found in by_section.items()]
    total = sum(w for w, _ in weighted)
    return round(sum(w * m for w, m in weighted) / total, PLACES) if total else 0.0


# ---- tiers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TierRule:
    slug: str
    name: str
    rank: int  # higher is better
    min_overall: float = 0.0
    min_skills: Mapping[str, float] = field(default_factory=dict)
    requires: tuple[str, ...] = ()  # "assessment-slug:tier-slug"
    valid_days: int | None = None
    min_parts: Mapping[str, float] = field(default_factory=dict)  # e.g. {"keyed": 0.7}


@dataclass(frozen=True)
class Held:
    """A certificate the applicant holds."""

    assessment: str
    tier: str
    valid_until: datetime | None
    revoked: bool = False


@dataclass(frozen=True)
class Check:
    label: str  # "Overall score", "Written reasoning", "Requires general-screening: generalist"
    met: bool
    needed: float | str | None
    actual: float | str | None
    reason: str  # a sentence for the applicant: "Overall score 72% — needs 75%"


@dataclass(frozen=True)
class RuleOutcome:
    rule: TierRule
    checks: tuple[Check, ...]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.checks)

    @property
    def unmet(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.met)


@dataclass(frozen=True)
class TierDecision:
    tier: TierRule | None  # the highest-ranked rule whose checks are all met
    outcomes: tuple[RuleOutcome, ...]  # every rule, lowest rank first

    @property
    def next_tier(self) -> RuleOutcome | None:
        """The lowest-ranked rule above the tier reached (or the lowest, with none reached):
        its ``unmet`` checks are what the next tier needs."""
        floor = self.tier.rank if self.tier else -math.inf
        return next((o for o in self.outcomes if o.rule.rank > floor), None)


def skill_label(skill: str) -> str:
    return skill.replace("_", " ").replace("-", " ").capitalize()


def percent_number(share: float) -> str:
    """The one rounding rule for every score shown or signed: a share as a number of percent
    with at most one decimal, rounded DOWN to 0.1, so that a score is never shown above a tier
    threshold it missed (0.8499 → "84.9", never "85"; 0.7 → "70"; 11/21 → "52.3")."""
    tenths = math.floor(round(share * 1000, PLACES))
    return f"{tenths / 10:g}"


def percent(share: float) -> str:
    """A share as a percentage by the one rule (``percent_number``): "84.9%", "70%"."""
    return percent_number(share) + "%"


def minimum_met(share: float | None, minimum: float, *, unmeasured_ok: bool) -> bool:
    """An unmeasured overall score (no points at stake) passes only a zero minimum; an
    unmeasured skill never passes its minimum."""
    if share is None:
        return unmeasured_ok and minimum <= 0
    return reaches(share, minimum)


def _minimum(label: str, share: float | None, minimum: float, *, unmeasured_ok: bool) -> Check:
    met = minimum_met(share, minimum, unmeasured_ok=unmeasured_ok)
    if share is None:
        return Check(label, met, minimum, None, f"{label} was not measured in this attempt")
    verb = "needs" if not met else "meets"
    return Check(label, met, minimum, share, f"{label} {percent(share)} — {verb} "
                                             f"{percent(minimum)}")


def prerequisite_check(requirement: str, held: Sequence[Held],
                       ladders: Mapping[str, Mapping[str, int]], now: datetime) -> Check:
    """Whether ``held`` meets one ``requires`` entry ("assessment:tier"): a valid, unrevoked
    certificate of that tier or a higher one of the same assessment."""
    return _prerequisite(requirement, held, ladders, now)


def _prerequisite(requirement: str, held: Sequence[Held], ladders: Mapping[str, Mapping[str, int]],
                  now: datetime) -> Check:
    assessment, _, tier = requirement.partition(":")
    label = f"Requires {assessment}: {tier}"
    ladder = ladders.get(assessment)
    if ladder is None:
        return Check(label, False, requirement, None,
                     f"{label} — unknown assessment {assessment!r}")
    if tier not in ladder:
        return Check(label, False, requirement, None,
                     f"{label} — {assessment!r} has no tier {tier!r}")
    enough = sorted((h for h in held if h.assessment == assessment
                     and ladder.get(h.tier, -math.inf) >= ladder[tier]),
                    key=lambda h: -ladder[h.tier])
    valid = [h for h in enough
             if not h.revoked and (h.valid_until is None or h.valid_until > now)]
    if valid:
        return Check(label, True, requirement, valid[0].tier,
                     f"{label} — held: {assessment}: {valid[0].tier}")
    if enough:
        why = "was revoked" if all(h.revoked for h in enough) else "has expired"
        return Check(label, False, requirement, enough[0].tier,
                     f"{label} — the certificate held ({assessment}: {enough[0].tier}) {why}")
    return Check(label, False, requirement, None, f"{label} — no such certificate held")


def check_rule(scored: Scored, rule: TierRule, held: Sequence[Held],
               ladders: Mapping[str, Mapping[str, int]], now: datetime) -> RuleOutcome:
    checks = []
    if scored.pending:
        checks.append(Check("Grading", False, None, None,
                            "Some written answers are still being graded"))
    checks.append(_minimum("Overall score", scored.overall, rule.min_overall,
                           unmeasured_ok=True))
    for part, minimum in sorted(rule.min_parts.items(), key=lambda p: PARTS.index(p[0])
                                if p[0] in PARTS else len(PARTS)):
        share = scored.by_part.get(part)
        checks.append(_minimum(PART_LABELS.get(part, skill_label(part)),
                               share.share if share else None, minimum, unmeasured_ok=False))
    for skill, minimum in sorted(rule.min_skills.items()):
        share = scored.by_skill.get(skill)
        checks.append(_minimum(skill_label(skill), share.share if share else None, minimum,
                               unmeasured_ok=False))
    checks.extend(_prerequisite(r, held, ladders, now) for r in rule.requires)
    return RuleOutcome(rule, tuple(checks))


def decide_tier(scored: Scored, rules: Iterable[TierRule], held: Sequence[Held],
                ladders: Mapping[str, Mapping[str, int]], now: datetime) -> TierDecision:
    """Evaluate every rule on its own; the tier is the highest-ranked rule fully met. A
    pending attempt reaches no tier (every rule then has an unmet "Grading" check)."""
    outcomes = tuple(check_rule(scored, rule, held, ladders, now)
                     for rule in sorted(rules, key=lambda r: r.rank))
    met = [o.rule for o in outcomes if o.met]
    return TierDecision(met[-1] if met else None, outcomes)


def valid_until(scored_at: datetime, rule: TierRule) -> datetime | None:
    return scored_at + timedelta(days=rule.valid_days) if rule.valid_days else None


# ---- rescoring ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ScoreChange:
    old_score: float | None
    new_score: float | None
    old_tier: str | None
    new_tier: str | None

    @property
    def score_changed(self) -> bool:
        if self.old_score is None or self.new_score is None:
            return self.old_score != self.new_score
        return round(self.old_score, PLACES) != round(self.new_score, PLACES)

    @property
    def tier_changed(self) -> bool:
        return self.old_tier != self.new_tier

    @property
    def changed(self) -> bool:
        return self.score_changed or self.tier_changed

    def describe(self) -> str:
        """For the audit log: "score 72% → 78%; tier none → specialist"."""
        def shown(share: float | None) -> str:
            return "none" if share is None else percent(share)
        parts = []
        if self.score_changed:
            parts.append(f"score {shown(self.old_score)} → {shown(self.new_score)}")
        if self.tier_changed:
            parts.append(f"tier {self.old_tier or 'none'} → {self.new_tier or 'none'}")
        return "; ".join(parts) or "no change"


def compare(old_score: float | None, old_tier: str | None, new_score: float | None,
            new_tier: str | None) -> ScoreChange:
    """Whether a rescore (after an appeal or a regrade) changed the overall share or tier."""
    return ScoreChange(old_score, new_score, old_tier, new_tier)
