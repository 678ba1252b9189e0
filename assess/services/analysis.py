"""Item analysis of an assessment from its finished attempts: Moodle's quiz statistics
(``core.item_analysis``, which cites the formulas) per item version, per part of an item (the
keyed, auto-graded part and each human-graded justification, correction or rewrite), per skill
and per rubric dimension, with distractor tables per item type.

Which attempts. Scored attempts (timed assessments), or submitted ones of a practice version
(practice is never scored and has no human grading); by default only each applicant's first
attempt (``Attempt.number == 1``), as Moodle advises: later attempts break the assumptions
item analysis rests on. Each attempt counts as an independent applicant.

The test score. ``T_s`` is the attempt's total points over every part (Moodle's sum of marks),
so that each part's rest-of-test score is ``T_s − x_i(s)``. A blueprint with part weights
decides tiers on a weighted share instead; the analysis keeps raw points, as Moodle does.

Reading. Two queries over the attempts in scope, of plain columns through SQLAlchemy Core
(no ORM objects, no answers): their responses' item versions, sections and keyed points, and
their grading tasks' points; two small ones for the item and rubric versions they name; and
one for the stamp below: as many whatever the number of attempts. The attempts × parts
columns are then built a whole column at a time (C-level ``zip``, ``itemgetter``, ``map``),
with the garbage collector paused, and columns that are the same (an item of one part) or
over the same attempts share their work (``core.item_analysis.Shared``).

What is computed when. The test and item statistics always. The parts, skills and rubric
dimensions tables on request (``tables``): the page shows them all for an analysis of up to
``INLINE`` responses (attempts × items), and for a larger one links to a page of its own that
computes them, so that the page answers in well under a second for 10,000 attempts (about
0.6 s here, against 1.1 s with every table: ``make bench-analysis``). The distractor tables,
the one part that reads the answers themselves, are computed when they are shown or
downloaded (``distractor_analysis``), and kept with the report.

The cache. A report is kept in process memory per assessment, filter and database, stamped
with cheap aggregates of what it was computed from: the count and newest id of the attempts
in scope, the count of their responses with the sums of their item version ids and keyed
points, and the newest score event. A newly scored attempt, an appeal or a regrade changes
the stamp, and the next request computes the report afresh; every other request is served
from memory (a request for tables the cached report lacks computes them, with the ones it
had).
"""
from __future__ import annotations

import csv
import gc
import io
import json
import re
import threading
from collections import Counter, OrderedDict, defaultdict
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from itertools import accumulate, repeat
from operator import floordiv, itemgetter, truediv
from typing import Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy import Text, and_, case, cast, func, literal_column, null, or_, select, true

from ..core import item_analysis as ia
from ..core.scoring import AUTO, part_skills, skill_label
from ..extensions import db
from ..items import registry as item_types
from ..models import (Assessment, AssessmentVersion, Attempt, Bank, Grade, GradingTask, Item,
                      ItemVersion, Response, Rubric, RubricVersion, ScoreEvent)
from ..models.types import JSONType
from . import ServiceError

FINAL = "final"
# The tables besides the test's and the items': computed on request. Up to INLINE responses
# (attempts × items) the page shows every table; above, those of MAIN, and links to a page
# with the rest (the CSV downloads have them all).
OPTIONAL = frozenset({"parts", "skills", "dimensions"})
MAIN: frozenset[str] = frozenset()
INLINE = 10_000
INDEPENDENT = "independent"
CACHE_SIZE = 32
TABLES = ("test", "items", "parts", "skills", "dimensions", "distractors")


# ---- the report -------------------------------------------------------------------------------

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
    """A rubric dimension of a rubric-scoring item (its credit, scaled to the item's points),
    or a criterion of a rubric human graders use (the attempt's mean points on it when
    several of its parts were graded with that rubric)."""

    label: str
    source: str  # "item" | "rubric"
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
    chosen confusion matrices of rubric dimensions and fact-check claims."""

    rows: list[DistractorRow]
    confusions: list[ia.Confusion]


@dataclass(frozen=True)
class _Source:
    """What the distractor tables are read with, kept with the report they belong to."""

    scope: Any  # the attempts in scope (a SQL condition on the attempts table)
    meta: Mapping[int, _Meta]  # item version id -> what it is
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
    _source: _Source | None = field(default=None, repr=False, compare=False)
    _distractors: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def flagged(self) -> list[ItemStat]:
        return [item for item in self.items if item.flags]

    @property
    def small(self) -> bool:
        """Whether the page shows every table itself (few responses: computing them all costs
        little) rather than linking to those it leaves out (``MAIN`` are always there)."""
        return self.responses <= INLINE

    @property
    def tables(self) -> frozenset[str]:
        """The tables computed (of ``OPTIONAL``)."""
        return frozenset(name for name in OPTIONAL if getattr(self, name) is not None)


# ---- reading ----------------------------------------------------------------------------------

_cache: OrderedDict[tuple, AnalysisReport] = OrderedDict()
_cache_lock = threading.Lock()
_guesses: dict[str, float | None] = {}  # item version content hash -> expected auto share


def item_statistics(assessment_slug: str, *, first_attempts_only: bool = True,
                    version: int | None = None, use_cache: bool = True,
                    tables: Iterable[str] | None = None) -> AnalysisReport:
    """The item analysis of an assessment (of one of its versions when ``version`` is given).

    The test and item statistics always; ``tables``, of ``OPTIONAL`` ("parts", "skills",
    "dimensions"), the others to compute (the rest are None): by default every one when the
    analysis is small (up to ``INLINE`` responses), else those of ``MAIN``. The rubric
    dimensions read every grade's levels; the skills add up every part of every attempt. The
    distractor tables are never part of it: ``distractor_analysis`` reads them on request."""
    assessment_id = db.session.scalar(
        select(Assessment.id).where(Assessment.slug == assessment_slug))
    if assessment_id is None:
        raise ServiceError("No such assessment.", code="not_found")
    versions = db.session.execute(
        select(AssessmentVersion.id, AssessmentVersion.version, AssessmentVersion.mode,
               AssessmentVersion.title)
        .where(AssessmentVersion.assessment_id == assessment_id)
        .order_by(AssessmentVersion.version)).all()
    if version is not None and version not in {v.version for v in versions}:
        raise ServiceError(f"{assessment_slug} has no version {version}.", code="not_found")
    chosen = [v for v in versions if version is None or v.version == version]
    scope = _scope(assessment_id, chosen, first_attempts_only)
    stamp = _stamp(assessment_id, scope)
    wanted = frozenset(OPTIONAL if stamp[_STAMP_RESPONSES] <= INLINE else MAIN) \
        if tables is None else frozenset(tables)
    if wanted - OPTIONAL:
        raise ValueError(f"unknown tables: {', '.join(sorted(wanted - OPTIONAL))}")
    key = (str(db.engine.url), assessment_id, first_attempts_only, version)
    if use_cache:
        with _cache_lock:
            cached = _cache.get(key)
            if cached is not None and cached.stamp == stamp:
                if wanted <= cached.tables:
                    _cache.move_to_end(key)
                    return cached
                wanted |= cached.tables  # the new report replaces it: keep what it had
    title = versions[-1].title if versions else assessment_slug
    with _no_gc():
        report = _build(assessment_slug, title, first_attempts_only, chosen, scope, stamp,
                        wanted)
    if use_cache:
        with _cache_lock:
            _cache[key] = report
            _cache.move_to_end(key)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return report


@contextmanager
def _no_gc():
    """The cyclic garbage collector paused while a report is built: the build makes a few
    hundred thousand tuples, lists and floats, none of them in a cycle, and the collector
    would walk them again and again (about a fifth of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_A = Attempt.__table__.c
_R = Response.__table__.c
_T = GradingTask.__table__.c
_G = Grade.__table__.c
_ATTEMPTS_RESPONSES = Attempt.__table__.join(Response.__table__, _R.attempt_id == _A.id)


def _scope(assessment_id: int, versions: Sequence, first_only: bool):
    """The attempts analysed, on table columns (the big reads below stay Core queries)."""
    practice = [v.id for v in versions if v.mode == "practice"]
    condition = and_(
        _A.assessment_id == assessment_id,
        _A.assessment_version_id.in_([v.id for v in versions]),
        or_(_A.status == "scored",
            and_(_A.status == "submitted", _A.assessment_version_id.in_(practice))))
    return and_(condition, _A.number == 1) if first_only else condition


def _stamp(assessment_id: int, scope) -> tuple:
    """What changes whenever the report would: the attempts in scope, their responses' item
    versions and keyed points (a regrade moves both), and any rescoring (appeals). One query;
    the indexes on attempts (assessment, status, number) and on responses
    (``ix_responses_analysis``) answer it without reading the rows."""
    events = ScoreEvent.__table__.c
    attempts = select(func.count(_A.id), func.max(_A.id)).where(scope).subquery()
    event = (select(func.max(events.id)).join(Attempt.__table__, _A.id == events.attempt_id)
             .where(_A.assessment_id == assessment_id).scalar_subquery())
    # Keyed points summed in millionths, whole numbers: a float sum depends on the order the
    # rows come in, which a parallel plan does not fix, and the stamp must not move by itself.
    responses = (select(func.count(), func.sum(_R.item_version_id),
                        func.sum(func.round(_R.auto_points * 1_000_000)))
                 .where(_in_scope(scope)).subquery())
    return tuple(db.session.execute(
        select(*attempts.c, event, *responses.c).select_from(attempts).join(responses, true())
    ).one())


_STAMP_RESPONSES = 3  # where the stamp has the number of responses


def _in_scope(scope):
    """Responses of the attempts in scope. As a subquery rather than a join, it lets SQLite
    read the responses in (attempt, position) order from their index instead of sorting."""
    return _R.attempt_id.in_(select(_A.id).where(scope))


@dataclass
class _Meta:
    id: int
    label: str
    bank: str
    bank_id: int
    item: str
    version: int
    type: str
    title: str | None
    skills: tuple[str, ...]
    content: Mapping[str, Any]
    guess: float | None  # expected auto points of a random guesser, as a share of auto max


def _item_versions(ids: Iterable[int]) -> dict[int, _Meta]:
    """The item versions the attempts in scope showed."""
    rows = db.session.execute(
        select(ItemVersion.id, ItemVersion.version, ItemVersion.content,
               ItemVersion.content_hash, ItemVersion.skills, Item.slug, Item.type, Bank.slug,
               Bank.id)
        .join(Item, Item.id == ItemVersion.item_id).join(Bank, Bank.id == Item.bank_id)
        .where(ItemVersion.id.in_(sorted(ids))))
    found = {}
    for (ident, number, content, content_hash, skills, slug, kind, bank, bank_id) in rows:
        found[ident] = _Meta(ident, f"{bank}/{slug} v{number}", bank, bank_id, slug, number,
                             kind, content.get("title"), tuple(skills or ()), content,
                             _guess(content_hash, content))
    return found


def _guess(content_hash: str, content: Mapping[str, Any]) -> float | None:
    """A random guesser's expected share of the keyed part (the item type's own guessing
    distribution), memoised per item version content."""
    if content_hash not in _guesses:
        try:
            kind = item_types.get(content["type"])
            distribution = kind.guess_distribution(content)
            top = kind.max_points(content)
            _guesses[content_hash] = (sum(p * q for p, q in distribution.items()) / top
                                      if distribution is not None and top else None)
        except Exception:  # noqa: BLE001 - a content the type cannot enumerate has no RGS
            _guesses[content_hash] = None
    return _guesses[content_hash]


@dataclass
class _Rubrics:
    by_id: dict[int, tuple[str, Mapping[str, Any]]]  # version id -> (label, definition)
    latest: dict[tuple[int, str], tuple[int, float]]  # (bank id, slug) -> (version id, max)

    @classmethod
    def load(cls, bank_ids: Iterable[int]) -> _Rubrics:
        rows = db.session.execute(
            select(RubricVersion.id, RubricVersion.version, RubricVersion.definition,
                   RubricVersion.max_points, Rubric.slug, Rubric.bank_id, Bank.slug)
            .join(Rubric, Rubric.id == RubricVersion.rubric_id)
            .join(Bank, Bank.id == Rubric.bank_id)
            .where(Rubric.bank_id.in_(sorted(set(bank_ids))))
            .order_by(RubricVersion.version))
        by_id, latest = {}, {}
        for ident, number, definition, maximum, slug, bank_id, bank in rows:
            by_id[ident] = (f"rubric {bank}/{slug} v{number}", definition)
            latest[(bank_id, slug)] = (ident, maximum)  # ordered by version: the last wins
        return cls(by_id, latest)

    def criteria(self, version_id: int) -> list[tuple[str, float]]:
        """(criterion id, its top level's points) of a rubric version."""
        return [(c["id"], float(max(level["points"] for level in c["levels"])))
                for c in self.by_id[version_id][1].get("criteria", [])]


def _rows(statement) -> list[tuple]:
    """A big read as the driver's plain tuples. Its columns are integers, floats and text that
    need no conversion, and building a SQLAlchemy row for each would cost as much again."""
    result = db.session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def _take(values: Sequence, positions: Sequence[int]) -> list:
    """values[p] for each p in positions, at C speed."""
    if len(positions) == len(values):
        return list(values)  # every position, in order (the caller's positions ascend)
    if not positions:
        return []
    picked = itemgetter(*positions)(values)
    return [picked] if len(positions) == 1 else list(picked)


class _Tasks:
    """The grading tasks of one part of one item version as parallel tuples: attempt ids,
    statuses, final points, maxima, rubric version ids, and each task's grades as one key for
    ``_Levels``: the levels (JSON text) of its one independent grade, or (resolution, kind,
    levels, kind, levels …), oldest grade first (kind None: no grade)."""

    __slots__ = ("attempts", "statuses", "points", "maxima", "rubrics", "grades")

    def __init__(self, attempts, statuses, points, maxima, rubrics, grades) -> None:
        self.attempts, self.statuses, self.points = attempts, statuses, points
        self.maxima, self.rubrics, self.grades = maxima, rubrics, grades


def _taker(positions: Sequence[int], size: int) -> Callable[[Sequence], list]:
    """values[p] for each p in positions (ascending), of any sequence of ``size`` values."""
    if len(positions) == size:
        return list
    if len(positions) == 1:
        return lambda values: [values[positions[0]]]
    pick = itemgetter(*positions)
    return lambda values: list(pick(values))


def _tasks(scope, *, grades: bool) -> dict[tuple[int, str], _Tasks]:
    """Every grading task of the attempts in scope, by (item version id, part), with its
    grades (not reference marks) when ``grades``. One read, not sorted by the database
    (sorting the rows with their levels costs more than reading them): the rows are grouped
    by part here, and a part's rows are put in order only where a task has several grades."""
    query = select(_R.item_version_id, _T.part, _R.attempt_id, _T.status, _T.final_points,
                   _T.max_points, _T.rubric_version_id) \
        .select_from(GradingTask.__table__).join(Response.__table__, _R.id == _T.response_id)
    if grades:
        query = query.add_columns(_T.resolution, _G.kind, _text(_G.levels), _G.id).outerjoin(
            Grade.__table__, and_(_G.task_id == _T.id, _G.kind != "reference"))
    groups: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for row in _rows(query.where(_in_scope(scope))):
        groups[row[:2]].append(row)
    found: dict[tuple[int, str], _Tasks] = {}
    for key, group in groups.items():
        columns = list(zip(*group))
        attempts, statuses, points, maxima, rubric_ids = columns[2:7]
        if not grades:
            found[key] = _Tasks(attempts, statuses, points, maxima, rubric_ids, ())
            continue
        resolutions, kinds, levels = columns[7:10]
        if len(set(attempts)) == len(attempts):  # one grade (or none) per task
            # the usual case, one independent grade: its levels alone are the key
            keys = levels if kinds.count(INDEPENDENT) == len(kinds) \
                else tuple(zip(resolutions, kinds, levels))
        else:  # some tasks were graded more than once: one entry per task, grades in order
            group.sort(key=_BY_ATTEMPT_AND_GRADE)
            attempts, statuses, points, maxima, rubric_ids, resolutions, kinds, levels = \
                list(zip(*group))[2:10]
            keep, merged = [], []
            for i, attempt_id in enumerate(attempts):
                if i and attempt_id == attempts[i - 1]:
                    merged[-1] += (kinds[i], levels[i])
                else:
                    keep.append(i)
                    merged.append((resolutions[i], kinds[i], levels[i]))
            attempts, statuses, points, maxima, rubric_ids = (
                tuple(_take(column, keep))
                for column in (attempts, statuses, points, maxima, rubric_ids))
            keys = tuple(merged)
        found[key] = _Tasks(attempts, statuses, points, maxima, rubric_ids, keys)
    return found


def _BY_ATTEMPT_AND_GRADE(row: tuple) -> tuple:
    return row[2], -1 if row[10] is None else row[10]


_EMPTY = ("(left empty)",)  # the grades key of an answer left empty: every level zero


class _Levels:
    """Each grading's levels on its rubric's criteria, as a tuple in the rubric's order (None
    where they do not count: no grade to take them from, or a rubric that is gone), from
    ``ia.final_levels`` of its grades. Memoised on (rubric version, grades): grades repeat (a
    rubric has few levels), so most gradings decode and average nothing."""

    def __init__(self, criteria_of: Mapping[int, list[tuple[str, float]]]) -> None:
        self.criteria_of = criteria_of
        self.decode = _Decoder()
        self.seen: dict[tuple, tuple[float, ...] | None] = {}

    def of(self, pairs: list[tuple[int | None, tuple]]) -> list[tuple[float, ...] | None]:
        """The levels of each (rubric version id, grades key) in ``pairs``."""
        seen = self.seen
        for pair in set(pairs).difference(seen):
            seen[pair] = self._levels(*pair)
        return list(map(seen.__getitem__, pairs))

    def _levels(self, rubric_id: int | None, grades: str | tuple
                ) -> tuple[float, ...] | None:
        criteria = self.criteria_of.get(rubric_id)
        if criteria is None:
            return None
        if grades == _EMPTY:
            levels: Mapping[str, float] | None = {}
        elif isinstance(grades, str):  # one independent grade's levels
            levels = ia.final_levels(None, [(INDEPENDENT, self.decode(grades) or {})])
        else:
            levels = ia.final_levels(grades[0], [
                (grades[i], self.decode(grades[i + 1]) or {})
                for i in range(1, len(grades), 2) if grades[i] is not None])
        if levels is None:
            return None
        return tuple(float(levels.get(criterion, 0.0)) for criterion, _ in criteria)


def _written(tasks: _Tasks | None, attempts: Sequence[int], rows: Sequence[int],
             default: tuple[int | None, float], levels: _Levels | None,
             graded: Callable[[int], bool] | None
             ) -> tuple[Sequence[int], list[float], list[float], list[int | None],
                        list[tuple[float, ...] | None]]:
    """A part people grade, over an item version's responses (``attempts``, their matrix
    ``rows``): which of them have it (positions), their points, maxima, rubric versions and
    levels (None for both without ``levels``). A final task gives its points; an answer left
    empty (no task) scores zero of the ``default`` rubric version's maximum; a task not final
    leaves the part out (a scored attempt has none), as does a practice attempt (``graded``
    false; None: every row is graded)."""
    default_rubric, default_max = default
    size = len(attempts)
    count = len(tasks.attempts) if tasks is not None else 0
    if tasks is None:
        found = [count] * size
        statuses, points, maxima, rubrics, grades = (), [], (), (), ()
    else:
        where = dict(zip(tasks.attempts, range(count)))
        found = list(map(where.get, attempts, repeat(count)))  # count: no task
        statuses, points, maxima = tasks.statuses, tasks.points, tasks.maxima
        rubrics, grades = tasks.rubrics, tasks.grades
        points = list(points) if None not in points else [p or 0.0 for p in points]
    points.append(0.0)
    maxima = (*maxima, default_max)
    rubrics = (*rubrics, default_rubric)
    grades = (*grades, _EMPTY)
    chosen = levels.of(list(zip(rubrics, grades))) if levels is not None else None
    if statuses.count(FINAL) == count and all(maxima[:count]) and (
            graded is None or all(map(graded, rows))) and (
            default_max or count not in found):  # the usual case: every response has it
        pick = found
        shown: Sequence[int] = range(size)
    else:
        shown = [j for j, (i, row) in enumerate(zip(found, rows))
                 if (graded is None or graded(row)) and (
            (i == count and default_max) or (
                i < count and statuses[i] == FINAL and maxima[i]))]
        pick = _take(found, shown)
    taken = (list(map(points.__getitem__, pick)), list(map(maxima.__getitem__, pick)))
    if chosen is None:
        return shown, *taken, None, None
    return (shown, *taken, list(map(rubrics.__getitem__, pick)),
            list(map(chosen.__getitem__, pick)))


class _Column:
    """A sparse column: rows (attempt indices, ascending), points, maxima."""

    __slots__ = ("rows", "points", "maxima")

    def __init__(self, rows: list[int], points: list[float], maxima: list[float]) -> None:
        self.rows, self.points, self.maxima = rows, points, maxima

    def scores(self, key: Any, random_guess: float | None = None) -> ia.PartScores:
        maxima = self.maxima
        top: float | list[float] = maxima[0] if maxima and \
            maxima.count(maxima[0]) == len(maxima) else maxima
        return ia.PartScores(key, self.rows, self.points, top, random_guess=random_guess)


class _Sums:
    """Per-attempt sums over several columns (a skill's points and maxima), and which attempts
    had any."""

    __slots__ = ("points", "maxima", "seen")

    def __init__(self, size: int) -> None:
        self.points, self.maxima, self.seen = [0.0] * size, [0.0] * size, bytearray(size)

    def add(self, rows: Sequence[int], points: Sequence[float], maxima: Sequence[float]
            ) -> None:
        acc, top, seen = self.points, self.maxima, self.seen
        for r, p, m in zip(rows, points, maxima):
            acc[r] += p
            top[r] += m
            seen[r] = 1

    def column(self, everyone: list[int]) -> _Column:
        """The column (``everyone``, the list of every row, when every attempt had some)."""
        rows = everyone if all(self.seen) else [r for r, seen in enumerate(self.seen) if seen]
        return _Column(rows, _take(self.points, rows), _take(self.maxima, rows))


def _build(slug: str, title: str, first_only: bool, versions: Sequence, scope,
           stamp: tuple, tables: frozenset[str]) -> AnalysisReport:
    """Read the attempts in scope and compute the statistics: the test's and the items', and
    those of ``tables`` (of "parts", "skills", "dimensions").

    Two big reads, both of plain columns (no ORM objects, no answers): each response's item
    version, section and keyed points, in attempt and position order; each grading task's
    points (timed versions only: practice is never graded by people). The rubric dimensions
    need more: rubric-scoring items' grade details, and the levels of every grade. The
    columns of the attempts × parts matrices are then built a whole column at a time
    (C-level ``zip``, ``itemgetter``, ``map``) rather than a response at a time."""
    timed = {v.id for v in versions if v.mode != "practice"}
    mixed = bool(timed) and len(timed) < len(versions)
    dimensions = "dimensions" in tables
    columns = [_R.attempt_id, _R.item_version_id, _R.section_slug, _R.auto_points,
               _R.max_points]
    if dimensions:  # a rubric-scoring item's credit per dimension
        rubric_items = (select(ItemVersion.id).join(Item, Item.id == ItemVersion.item_id)
                        .where(Item.type == "rubric"))
        columns.append(_text(case((_R.item_version_id.in_(rubric_items), _R.grade_detail),
                                  else_=null())))
    if mixed:  # whether people graded the attempt: only when practice and timed versions mix
        columns.append(_A.assessment_version_id)
    query = select(*columns)
    query = query.select_from(_ATTEMPTS_RESPONSES).where(scope) if mixed \
        else query.where(_in_scope(scope))
    rows = _rows(query.order_by(_R.attempt_id, _R.position))
    read = list(zip(*rows)) if rows else [()] * len(columns)
    attempt_of, iv_of, section_of, auto_of, auto_max_of = read[:5]
    detail_of = read[5] if dimensions else ()
    version_of = read[-1] if mixed else ()
    meta = _item_versions(set(iv_of))
    rubrics = _Rubrics.load({m.bank_id for m in meta.values()})
    tasks = _tasks(scope, grades=dimensions) if timed else {}

    # The matrix rows: the attempts, in id order, each a run of consecutive responses.
    sizes = Counter(attempt_of)  # attempt id -> how many responses, in attempt order
    index = dict(zip(sizes, range(len(sizes))))  # attempt id -> row
    count = len(index)
    ends = list(accumulate(sizes.values()))
    starts = [0, *ends[:-1]]
    graded_rows = {index[attempt_id] for attempt_id, version_id in zip(attempt_of, version_of)
                   if version_id in timed} if mixed else set()
    # Each response's slot, the k-th item of its section. Usually every attempt has the same
    # sections with the same number of items (a fixed blueprint): then the slots are the
    # positions, and each one's column a slice.
    width = len(rows) // count if count else 0
    fixed_form = bool(count) and list(sizes.values()).count(width) == count and all(
        len(set(section_of[j::width])) == 1 for j in range(width))
    slot_keys: list[tuple[str, int]] = []
    slot_of: list[int] = []
    if fixed_form:
        row_of = list(map(floordiv, range(len(rows)), repeat(width)))
        ordinal: dict[str, int] = {}
        for section in section_of[:width]:
            ordinal[section] = ordinal.get(section, 0) + 1
            slot_keys.append((section, ordinal[section]))
    else:
        row_of = []
        section_slots: dict[str, list[int]] = {}
        current = None
        for attempt_id, section in zip(attempt_of, section_of):
            if attempt_id != current:
                current, row, ordinal = attempt_id, index[attempt_id], {}
            k = ordinal.get(section, 0)
            ordinal[section] = k + 1
            ids = section_slots.get(section)
            if ids is None:
                ids = section_slots[section] = []
            if k == len(ids):
                ids.append(len(slot_keys))
                slot_keys.append((section, k + 1))
            row_of.append(row)
            slot_of.append(ids[k])
    positions: dict[int, list[int]] = defaultdict(list)  # item version -> its responses
    for position, iv in enumerate(iv_of):
        positions[iv].append(position)

    items: dict[int, _Column] = {}
    parts: dict[tuple[int, str], _Column] = {}
    item_dimensions: dict[tuple[int, str], _Column] = {}
    skill_sums: dict[str, _Sums] = {}
    # Each response's points and maximum over all its parts: the keyed part's, to which the
    # parts people grade are added below (in the order scoring adds them).
    if None not in auto_of and all(auto_max_of):
        item_at, item_max_at = list(auto_of), list(auto_max_of)
    else:
        item_at = [(p or 0.0) if top else 0.0 for p, top in zip(auto_of, auto_max_of)]
        item_max_at = [top if top else 0.0 for top in auto_max_of]
    sections: dict[int, set[str]] = {}
    # rubric version id -> per matrix row: how many gradings with it, and the sum of each
    # criterion's levels over them (their mean is the attempt's points on the criterion)
    gradings: dict[int, tuple[list[int], list[list[float]]]] = {}
    criteria_of = {r: rubrics.criteria(r) for r in rubrics.by_id}
    levels = _Levels(criteria_of) if dimensions else None
    graded = graded_rows.__contains__ if mixed else None
    decode = _Decoder()
    credits: dict[tuple[str | None, float], list[tuple[float, float]]] = {}

    def tally(kind: str, m: _Meta, rows: Sequence[int], points: Sequence[float],
              maxima: Sequence[float]) -> None:
        for skill in part_skills(kind, m.skills) if "skills" in tables else ():
            sums = skill_sums.get(skill)
            if sums is None:
                sums = skill_sums[skill] = _Sums(count)
            sums.add(rows, points, maxima)

    for iv, where in positions.items():
        m = meta[iv]
        take = _taker(where, len(rows))  # this item version's values of a response column
        rows_iv = take(row_of)
        size = len(where)
        whole: tuple[list[float], list[float]] | None = None  # the item, if all keyed part
        # The keyed part, where the response has one (a maximum).
        maxima = take(auto_max_of)
        keyed = range(size) if all(maxima) else [j for j, top in enumerate(maxima) if top]
        if keyed:
            points = take(auto_of)
            if len(keyed) < size:
                points, maxima = _take(points, keyed), _take(maxima, keyed)
            if None in points:
                points = [p or 0.0 for p in points]
            part_rows = rows_iv if len(keyed) == size else _take(rows_iv, keyed)
            parts[(iv, AUTO)] = _Column(part_rows, points, maxima)
            tally(AUTO, m, part_rows, points, maxima)
            if len(keyed) == size:
                whole = (points, maxima)
            scales = m.content.get("dimensions") if m.type == "rubric" else None
            if dimensions and scales:
                details = take(detail_of)
                _dimension_columns(item_dimensions, iv, scales, part_rows,
                                   details if len(keyed) == size else _take(details, keyed),
                                   maxima, credits, decode)
        # The parts people grade (timed attempts only): a task's final points, or zero of
        # the rubric's maximum where the answer was left empty (no task).
        scored = item_types.get(m.type).scored_parts(m.content) if timed else ()
        attempts_iv = take(attempt_of) if scored else ()
        for slot in scored:
            shown, points, maxima, rubric_ids, chosen = _written(
                tasks.get((iv, slot.part)), attempts_iv, rows_iv,
                rubrics.latest.get((m.bank_id, slot.rubric), (None, 0.0)), levels, graded)
            if not shown:
                continue
            every = len(shown) == size
            part_rows = rows_iv if every else _take(rows_iv, shown)
            parts[(iv, slot.part)] = _Column(part_rows, points, maxima)
            tally(slot.kind, m, part_rows, points, maxima)
            whole = None
            for position, p, top in zip(where if every else _take(where, shown), points,
                                        maxima):
                item_at[position] += p
                item_max_at[position] += top
            # The attempt's points on each criterion of a rubric: the mean of its gradings.
            if levels is None:
                pass
            elif len(set(rubric_ids)) == 1 and None not in chosen:
                _grade_criteria(gradings, rubric_ids[0], count, part_rows, chosen)
            else:
                for row, rubric_id, found in zip(part_rows, rubric_ids, chosen):
                    if found is not None:
                        _grade_criteria(gradings, rubric_id, count, [row], [found])
        # An item of one part is that part: the same lists, so its statistics are worked
        # out once (``ia.Shared``).
        items[iv] = _Column(rows_iv, *(whole or (take(item_at), take(item_max_at))))
        sections[iv] = set(take(section_of))

    # T_s and its maximum: each attempt's responses summed in position order, as scoring does.
    totals = [sum(item_at[a:b]) for a, b in zip(starts, ends)]
    total_max = [sum(item_max_at[a:b]) for a, b in zip(starts, ends)]

    everyone = list(range(count))
    skills = {skill: sums.column(everyone) for skill, sums in skill_sums.items()}
    criteria: dict[tuple[int, str], _Column] = {}
    for rubric_id, (times, sums) in gradings.items():
        graded = [row for row, n in enumerate(times) if n]
        times = _take(times, graded)
        for (criterion, top), column in zip(criteria_of[rubric_id], sums):
            criteria[(rubric_id, criterion)] = _Column(
                graded, list(map(truediv, _take(column, graded), times)), [top] * len(graded))

    item_keys = sorted(items, key=lambda i: meta[i].label)
    item_matrix = ia.Matrix(
        [items[i].scores(i, _item_guess(meta[i], parts, i)) for i in item_keys],
        totals, _fixed(total_max))
    complete = count and all(len(items[i].rows) == count for i in item_keys)
    if complete:
        components = [[float(v) for v in items[i].points] for i in item_keys]
        basis = "items"
    elif slot_keys:
        components = _slot_columns(item_at, count, width if fixed_form else 0, slot_keys,
                                   row_of, slot_of)
        basis = "slots"
    else:
        components, basis = None, ""
    shared = ia.Shared()  # every matrix below has the same totals
    analysed = ia.analyse(item_matrix, components=components, shared=shared)

    item_stats = [ItemStat(**_measures(s), label=meta[i].label, type=meta[i].type,
                           item_version_id=i, bank=meta[i].bank, item=meta[i].item,
                           version=meta[i].version, title=meta[i].title, skills=meta[i].skills,
                           sections=tuple(sorted(sections[i])))
                  for i, s in zip(item_keys, analysed.parts)]

    part_keys = sorted(parts, key=lambda k: (meta[k[0]].label, k[1] != AUTO, k[1])) \
        if "parts" in tables else None
    part_stats = None if part_keys is None else [
        PartStat(**_measures(s), label=f"{meta[iv].label} · {_part_name(part)}",
                 item_label=meta[iv].label, part=part, kind=part.partition(":")[0],
                 type=meta[iv].type, item_version_id=iv)
        for (iv, part), s in zip(part_keys, ia.part_statistics(ia.Matrix(
            [parts[k].scores(k, meta[k[0]].guess if k[1] == AUTO else 0.0) for k in part_keys],
            totals, _fixed(total_max)), shared=shared))]

    skill_keys = sorted(skills) if "skills" in tables else None
    skill_stats = None if skill_keys is None else [
        SkillStat(**_measures(s), label=skill_label(skill), skill=skill)
        for skill, s in zip(skill_keys, ia.part_statistics(ia.Matrix(
            [skills[k].scores(k) for k in skill_keys], totals, _fixed(total_max)),
            shared=shared))]

    dimension_stats: list[DimensionStat] | None = [] if dimensions else None
    for source, columns, describe in () if dimension_stats is None else (
            ("item", item_dimensions, lambda k: (meta[k[0]].label, k[1])),
            ("rubric", criteria, lambda k: (rubrics.by_id[k[0]][0], k[1]))):
        keys = sorted(columns, key=describe)
        for key, s in zip(keys, ia.part_statistics(ia.Matrix(
                [columns[k].scores(k) for k in keys], totals, _fixed(total_max)),
                shared=shared)):
            owner, dimension = describe(key)
            dimension_stats.append(DimensionStat(
                **_measures(s), label=f"{owner} · {dimension}", source=source, owner=owner,
                dimension=dimension))

    shares = {attempt_id: totals[r] / total_max[r] if total_max[r] else None
              for attempt_id, r in index.items()}
    return AnalysisReport(
        slug=slug, title=title, first_attempts_only=first_only,
        versions=tuple(v.version for v in versions), attempts=count, test=analysed.test,
        cic_basis=basis if analysed.test.cic is not None else "", items=item_stats,
        parts=part_stats, skills=skill_stats, dimensions=dimension_stats, stamp=stamp,
        responses=len(rows), _source=_Source(scope, meta, tuple(item_keys), shares))


def _slot_columns(item_at: Sequence[float], count: int, width: int,
                  slot_keys: Sequence[tuple[str, int]], row_of: Sequence[int],
                  slot_of: Sequence[int]) -> list[list[float]]:
    """Each slot's column, ordered by slot (section, k): every attempt's points on the item it
    drew there, zero where it drew none. A fixed form (``width`` responses to an attempt, the
    slots in the same positions) takes them as slices."""
    order = sorted(range(len(slot_keys)), key=slot_keys.__getitem__)
    if width:
        return [list(item_at[j::width]) for j in order]
    slots = [[0.0] * count for _ in slot_keys]
    for row, slot, points in zip(row_of, slot_of, item_at):
        slots[slot][row] = points
    return [slots[j] for j in order]


def _grade_criteria(gradings: dict, rubric_id: int, count: int, rows: Sequence[int],
                    chosen: Sequence[tuple[float, ...]]) -> None:
    """Count gradings with a rubric version into its per-attempt tallies: how many, and the
    sum of each criterion's levels."""
    found = gradings.get(rubric_id)
    if found is None:
        found = gradings[rubric_id] = ([0] * count, [[0.0] * count for _ in chosen[0]])
    times, sums = found
    for row in rows:
        times[row] += 1
    for c, column in enumerate(sums):
        for row, level in zip(rows, map(itemgetter(c), chosen)):
            column[row] += level


def _dimension_columns(columns: dict, iv: int, dimensions: Sequence[Mapping[str, Any]],
                       rows: list[int], details: Sequence[str | None], maxima: Sequence[float],
                       credits: dict, decode: _Decoder) -> None:
    """A rubric-scoring item's dimensions: each one's credit (from the grade detail) scaled to
    its share of the item's keyed points."""
    count = len(dimensions)
    values = []
    for detail, top in zip(details, maxima):
        found = credits.get((detail, top))
        if found is None:
            given = (decode(detail) or {}).get("dimensions") or {}
            share = top / count
            found = credits[(detail, top)] = [
                (float((given.get(d["id"]) or {}).get("credit", 0.0)) * share, share)
                for d in dimensions]
        values.append(found)
    for d, dimension in enumerate(dimensions):
        pairs = [v[d] for v in values]
        columns[(iv, dimension["id"])] = _Column(rows, [p for p, _ in pairs],
                                                 [s for _, s in pairs])


# ---- distractors ------------------------------------------------------------------------------

_distractors_lock = threading.Lock()


def distractors(assessment_slug: str, *, first_attempts_only: bool = True,
                version: int | None = None) -> tuple[AnalysisReport, Distractors]:
    """The report and its distractor tables (see ``distractor_analysis``)."""
    report = item_statistics(assessment_slug, first_attempts_only=first_attempts_only,
                             version=version)
    return report, distractor_analysis(report)


def distractor_analysis(report: AnalysisReport) -> Distractors:
    """The distractor tables and confusion matrices of a report's attempts, read when first
    asked for and kept with the report (so for as long as it is cached: the same stamp).
    These are the one part of the analysis that reads the answers themselves (their keyed
    parts only) and, for pairwise items, the order they were shown in."""
    with _distractors_lock:
        found = report._distractors.get("tables")
    if found is not None:
        return found
    found = _read_distractors(report._source) if report._source is not None \
        else Distractors([], [])
    with _distractors_lock:
        return report._distractors.setdefault("tables", found)


def _read_distractors(source: _Source) -> Distractors:
    meta = source.meta
    keyed = [i for i in source.items if item_types.get(meta[i].type).has_distractors]
    shown: dict[int, list[ia.Shown]] = defaultdict(list)
    if keyed:
        pairwise = [i for i in keyed if meta[i].type == "pairwise"]
        decode, shares = _Decoder(), source.shares
        rows = db.session.connection().execute(
            select(_R.attempt_id, _R.item_version_id, _text(_keyed(_R.answer)),
                   _text(case((_R.item_version_id.in_(pairwise), _R.presentation),
                              else_=null())))
            .where(_in_scope(source.scope), _R.item_version_id.in_(keyed))
            .order_by(_R.attempt_id, _R.position))
        for attempt_id, iv, answer, presentation in rows:
            shown[iv].append(ia.Shown(decode(answer), decode(presentation), shares[attempt_id]))
    distractor_rows, by_dimension, claims = [], {}, []
    for i in keyed:
        m = meta[i]
        picks = ia.distractors(m.content, shown.get(i, []))
        distractor_rows += [DistractorRow(m.label, m.type, i, p.target, p.key, p.answer,
                                          p.count, p.share, p.correct, p.mean_score)
                            for p in picks]
        if m.type == "rubric":
            for p in picks:
                by_dimension.setdefault(p.target, []).append(p)
        elif m.type == "factcheck":
            claims += picks
    confusions = [ia.confusion(f"Rubric dimension “{name}”: gold level × level chosen", found)
                  for name, found in sorted(by_dimension.items())]
    if claims:
        confusions.append(ia.confusion("Fact-check claims: gold label × label chosen", claims,
                                       ia.CLAIM_LABELS))
    return Distractors(distractor_rows, confusions)


def _text(expression):
    """A JSON value as the database's text, decoded by ``_Decoder`` rather than per row."""
    return cast(expression, Text)


class _Decoder:
    """json.loads with a memo: keyed answers, presentations, rubric details and grader levels
    repeat a lot (an item has few distinct answers once the written text is gone), so most
    rows decode nothing. The values are shared, and only read."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    def __call__(self, text: str | None) -> Any:
        if text is None:
            return None
        found = self.seen.get(text, _MISSING)
        if found is _MISSING:
            found = self.seen[text] = json.loads(text)
        return found


_MISSING = object()


def _keyed(answer):
    """The stored answer without its written parts (justification, corrections, a rewrite's
    text), removed by the database so that long texts are never read or decoded."""
    dialect = db.engine.dialect.name
    if dialect == "postgresql":
        return answer.op("-", return_type=JSONType)(
            literal_column("ARRAY['justification','corrections','text']::text[]"))
    if dialect == "sqlite":
        return func.json_remove(answer, "$.justification", "$.corrections", "$.text",
                                type_=JSONType)
    return answer


def _fixed(values: list[float]) -> float | list[float]:
    """A scalar where every attempt has the same maximum (the usual case), else the list."""
    return values[0] if values and values.count(values[0]) == len(values) else values


def _item_guess(m: _Meta, parts: Mapping[tuple[int, str], _Column], iv: int) -> float | None:
    """An item's random guess score: the keyed part's expected points over the whole item's
    maximum (a guesser writes nothing, so earns nothing on human-graded parts)."""
    auto = parts.get((iv, AUTO))
    if m.guess is None and auto is not None:
        return None
    columns = [c for (v, _), c in parts.items() if v == iv]
    total = sum(c.maxima[0] for c in columns if c.maxima)
    auto_max = auto.maxima[0] if auto is not None and auto.maxima else 0.0
    return (m.guess or 0.0) * auto_max / total if total else None


def _part_name(part: str) -> str:
    if part == AUTO:
        return "keyed"
    kind, _, claim = part.partition(":")
    return f"{kind} ({claim})" if claim else kind


def _measures(s: ia.PartStats) -> dict[str, Any]:
    return {"n": s.n, "mean": s.mean, "max_points": s.max_points, "facility": s.facility,
            "sd": s.sd, "random_guess": s.random_guess, "intended_weight": s.intended_weight,
            "effective_weight": s.effective_weight, "discrimination": s.discrimination,
            "discriminative_efficiency": s.discriminative_efficiency, "flags": s.flags}


# ---- CSV ------------------------------------------------------------------------------------

MEASURE_COLUMNS = ("n", "mean", "max_points", "facility", "sd", "random_guess",
                   "intended_weight", "effective_weight", "discrimination",
                   "discriminative_efficiency", "flags")
TEST_COLUMNS = ("attempts", "max_total", "mean", "median", "sd", "skewness", "kurtosis", "cic",
                "error_ratio", "sem", "cic_components", "cic_basis", "mean_share",
                "median_share", "sd_share", "sem_share")


FLAGS = ia.FLAG_LABELS


def export_csv(assessment_slug: str, table: str, *, first_attempts_only: bool = True) -> str:
    """One table of an assessment's item analysis as CSV (the download links)."""
    _check_table(table)
    report = item_statistics(assessment_slug, first_attempts_only=first_attempts_only,
                             tables={table} & OPTIONAL)
    return analysis_csv(report, table)


def csv_filename(assessment_slug: str, table: str, first_attempts_only: bool) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", assessment_slug)[:80] or "assessment"
    return f"{safe}-{table}{'' if first_attempts_only else '-all-attempts'}.csv"


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ServiceError(f"Unknown table {table!r}; expected one of {', '.join(TABLES)}.",
                           code="not_found", field="table")


def analysis_csv(report: AnalysisReport, table: str) -> str:
    """One table of the report as CSV (UTF-8 text, a header row, shares as fractions)."""
    _check_table(table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "test":
        t = report.test
        writer.writerow(TEST_COLUMNS)
        writer.writerow(csv_cells((t.n, t.max_total, t.mean, t.median, t.sd, t.skewness,
                                t.kurtosis, t.cic, t.error_ratio, t.sem, t.components,
                                report.cic_basis, t.share(t.mean), t.share(t.median),
                                t.share(t.sd), t.share(t.sem))))
        return out.getvalue()
    rows: Sequence[Any] | None = distractor_analysis(report).rows \
        if table == "distractors" else getattr(report, table)
    if rows is None:
        raise ServiceError(f"The {table} table was not computed for this report.",
                           code="not_computed", field="table")
    kind = {"items": ItemStat, "parts": PartStat, "skills": SkillStat,
            "dimensions": DimensionStat, "distractors": DistractorRow}[table]
    names = [f.name for f in fields(kind)]
    if issubclass(kind, Measures):  # identity first, then the statistics
        names = [n for n in names if n not in MEASURE_COLUMNS] + list(MEASURE_COLUMNS)
    writer.writerow(names)
    for row in rows:
        values = asdict(row)
        writer.writerow(csv_cells(values[n] for n in names))
    return out.getvalue()


def csv_cells(values: Iterable[Any]) -> list[Any]:
    """A row of CSV cells: blanks for None, yes/no, rounded floats, joined lists, and never a
    spreadsheet formula."""
    return [_cell(v) for v in values]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(round(value, 6))
    if isinstance(value, (tuple, list)):
        value = ";".join(str(v) for v in value)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value  # never a formula in a spreadsheet
    return value
