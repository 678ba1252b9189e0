"""What an item analysis gives: the report (``AnalysisReport``), its rows per item, part,
skill and rubric dimension, and its distractor tables."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

from ...core import item_analysis as ia

if TYPE_CHECKING:
    from .reading import Meta

# The tables besides the test's and the items': computed on request. Up to ``INLINE``
# responses (attempts × items, in the package) the page shows every table; above, those of
# MAIN, and links to a page with the rest (the CSV downloads have them all).
OPTIONAL = frozenset({"parts", "skills", "dimensions"})
MAIN: frozenset[str] = frozenset()
# ``DimensionStat.source``: a dimension of an item that scores dimensions, or a criterion of
# a bank rubric people grade with.
ITEM_DIMENSION, RUBRIC_CRITERION = "item", "rubric"


@dataclass(frozen=True)
class Measures:
    """Moodle's per-question statistics, shares as fractions (see ``core.item_analysis``)."""

    n: int  # attempts that were shown it
    mean: float  # mean points
    max_points: float
    facility: float | None
    sd: float | None
    random_guess: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination: float | None
    discriminative_efficiency: float | None
    flags: tuple[str, ...]


def measures(s: ia.PartStats) -> dict[str, Any]:
    """The ``Measures`` fields of a part's statistics."""
    return {"n": s.n, "mean": s.mean, "max_points": s.max_points, "facility": s.facility,
            "sd": s.sd, "random_guess": s.random_guess, "intended_weight": s.intended_weight,
            "effective_weight": s.effective_weight, "discrimination": s.discrimination,
            "discriminative_efficiency": s.discriminative_efficiency, "flags": s.flags}


@dataclass(frozen=True)
class ItemStat(Measures):
    """One item version, all its parts together."""

    label: str  # "bank/item vN"
    type: str
    item_version_id: int
    bank: str
    item: str
    version: int
    title: str | None
    skills: tuple[str, ...]
    sections: tuple[str, ...]  # the sections it was drawn in


@dataclass(frozen=True)
class PartStat(Measures):
    """One part of an item version: the keyed part or one human-graded part."""

    label: str  # "bank/item vN · keyed", "… · justification", "… · correction (c2)"
    item_label: str
    part: str  # "auto" | "justification" | "rewrite" | "correction:<claim id>"
    kind: str  # "auto" | "justification" | "rewrite" | "correction"
    type: str
    item_version_id: int


@dataclass(frozen=True)
class SkillStat(Measures):
    """A skill's points in an attempt, against the rest of the test (skills overlap: an item
    counts towards each of its skills, as in scoring)."""

    label: str
    skill: str


@dataclass(frozen=True)
class DimensionStat(Measures):
    """A dimension of an item that scores dimensions (its credit, scaled to the item's
    points), or a criterion of a rubric human graders use (the attempt's mean points on it
    when several of its parts were graded with that rubric)."""

    label: str
    source: str  # ITEM_DIMENSION | RUBRIC_CRITERION
    owner: str  # the item's or the rubric's label
    dimension: str


@dataclass(frozen=True)
class DistractorRow:
    item_label: str
    type: str
    item_version_id: int
    target: str
    key: str
    answer: str
    count: int
    share: float
    correct: bool
    mean_score: float | None


@dataclass(frozen=True)
class Distractors:
    """What was picked against the key: one table per keyed item version, and the gold ×
    chosen confusion matrices the item types fold their rows into (``ConfusionKey``)."""

    rows: list[DistractorRow]
    confusions: list[ia.Confusion]


@dataclass(frozen=True)
class Source:
    """What the distractor tables are read with, kept with the report they belong to."""

    scope: Any  # the attempts in scope (a SQL condition on the attempts table)
    meta: Mapping[int, Meta]  # item version id -> what it is
    items: tuple[int, ...]  # item version ids, in the report's order
    shares: Mapping[int, float | None]  # attempt id -> its test score as a share of its maximum


@dataclass(frozen=True)
class AnalysisReport:
    slug: str
    title: str
    first_attempts_only: bool
    versions: tuple[int, ...]  # assessment versions whose attempts are in
    attempts: int
    test: ia.TestStats
    cic_basis: str  # "items" (every attempt saw every item) | "slots" (drawn at random) | ""
    items: list[ItemStat]
    # None where not computed (see ``item_statistics``)
    parts: list[PartStat] | None
    skills: list[SkillStat] | None
    dimensions: list[DimensionStat] | None
    stamp: tuple = ()
    responses: int = 0  # the responses (item × attempt) the figures come from
    _source: Source | None = field(default=None, repr=False, compare=False)
    _distractors: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def flagged(self) -> list[ItemStat]:
        return [item for item in self.items if item.flags]

    @property
    def small(self) -> bool:
        """Whether the page shows every table itself (few responses: computing them all costs
        little) rather than linking to those it leaves out (``MAIN`` are always there)."""
        from . import INLINE  # the package's, read when asked (a test may lower it)
        return self.responses <= INLINE

    @property
    def tables(self) -> frozenset[str]:
        """The tables computed (of ``OPTIONAL``)."""
        return frozenset(name for name in OPTIONAL if getattr(self, name) is not None)
