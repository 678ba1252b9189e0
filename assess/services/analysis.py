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

Reading. Two queries over the attempts (their responses; their grading tasks with grades),
and two small ones for the item and rubric versions they name, whatever the number of
attempts. Computing a report from 10,000 attempts takes seconds (``make bench-analysis``), so it
is cached in process memory per assessment, filter and database, stamped with cheap aggregates
of what it was computed from: the count and newest id of the attempts in scope, the count of
their responses with the sums of their item version ids and keyed points, and the newest score
event. A newly scored attempt, an appeal or a regrade changes the stamp, and the next request
computes the report afresh; every other request is served from memory.
"""
from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections import OrderedDict, defaultdict
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Text, and_, case, cast, func, literal_column, null, or_, select

from ..core import item_analysis as ia
from ..core.scoring import AUTO, part_skills, skill_label
from ..extensions import db
from ..items import registry as item_types
from ..models import (Assessment, AssessmentVersion, Attempt, Bank, Grade, GradingTask, Item,
                      ItemVersion, Response, Rubric, RubricVersion, ScoreEvent)
from ..models.types import JSONType
from . import ServiceError

FINAL = "final"
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
class AnalysisReport:
    slug: str
    title: str
    first_attempts_only: bool
    versions: tuple[int, ...]  # assessment versions whose attempts are in
    attempts: int
    test: ia.TestStats
    cic_basis: str  # "items" (every attempt saw every item) | "slots" (drawn at random) | ""
    items: list[ItemStat]
    parts: list[PartStat]
    skills: list[SkillStat]
    dimensions: list[DimensionStat]
    distractors: list[DistractorRow]
    confusions: list[ia.Confusion] = field(default_factory=list)
    stamp: tuple = ()

    @property
    def flagged(self) -> list[ItemStat]:
        return [item for item in self.items if item.flags]


# ---- reading ----------------------------------------------------------------------------------

_cache: OrderedDict[tuple, AnalysisReport] = OrderedDict()
_cache_lock = threading.Lock()
_guesses: dict[str, float | None] = {}  # item version content hash -> expected auto share


def item_statistics(assessment_slug: str, *, first_attempts_only: bool = True,
                    version: int | None = None, use_cache: bool = True) -> AnalysisReport:
    """The item analysis of an assessment (of one of its versions when ``version`` is given)."""
    assessment = db.session.scalar(select(Assessment).where(Assessment.slug == assessment_slug))
    if assessment is None:
        raise ServiceError("No such assessment.", code="not_found", status=404)
    versions = db.session.execute(
        select(AssessmentVersion.id, AssessmentVersion.version, AssessmentVersion.mode,
               AssessmentVersion.title)
        .where(AssessmentVersion.assessment_id == assessment.id)
        .order_by(AssessmentVersion.version)).all()
    if version is not None and version not in {v.version for v in versions}:
        raise ServiceError(f"{assessment_slug} has no version {version}.", code="not_found",
                           status=404)
    chosen = [v for v in versions if version is None or v.version == version]
    scope = _scope(assessment.id, chosen, first_attempts_only)
    stamp = _stamp(assessment.id, scope)
    key = (str(db.engine.url), assessment.id, first_attempts_only, version)
    if use_cache:
        with _cache_lock:
            cached = _cache.get(key)
            if cached is not None and cached.stamp == stamp:
                _cache.move_to_end(key)
                return cached
    title = versions[-1].title if versions else assessment_slug
    report = _build(assessment_slug, title, first_attempts_only, chosen, scope, stamp)
    if use_cache:
        with _cache_lock:
            _cache[key] = report
            _cache.move_to_end(key)
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return report


_A = Attempt.__table__.c
_R = Response.__table__.c
_T = GradingTask.__table__.c
_G = Grade.__table__.c


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
    versions and keyed points (a regrade moves both), and any rescoring (appeals)."""
    count, newest = db.session.execute(
        select(func.count(_A.id), func.max(_A.id)).where(scope)).one()
    responses = tuple(db.session.execute(
        select(func.count(_R.id), func.sum(_R.item_version_id), func.sum(_R.auto_points))
        .select_from(Attempt.__table__).join(Response.__table__, _R.attempt_id == _A.id)
        .where(scope)).one())
    events = ScoreEvent.__table__.c
    event = db.session.scalar(
        select(func.max(events.id)).join(Attempt.__table__, _A.id == events.attempt_id)
        .where(_A.assessment_id == assessment_id))
    return (count, newest, event) + responses


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


def _item_versions(scope) -> dict[int, _Meta]:
    """The item versions the attempts in scope showed."""
    shown = (select(_R.item_version_id).join(Attempt.__table__, _A.id == _R.attempt_id)
             .where(scope).distinct())
    rows = db.session.execute(
        select(ItemVersion.id, ItemVersion.version, ItemVersion.content,
               ItemVersion.content_hash, ItemVersion.skills, Item.slug, Item.type, Bank.slug,
               Bank.id)
        .join(Item, Item.id == ItemVersion.item_id).join(Bank, Bank.id == Item.bank_id)
        .where(ItemVersion.id.in_(shown)))
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


@dataclass
class _Task:
    status: str
    final_points: float | None
    max_points: float
    rubric_version_id: int
    resolution: str | None
    grades: list[tuple[str, Mapping[str, float]]] = field(default_factory=list)


def _tasks(scope) -> dict[tuple[int, str], _Task]:
    """Every grading task of the attempts in scope, with its grades (not reference marks)."""
    decode = _Decoder()
    rows = db.session.connection().execute(
        select(_T.id, _T.response_id, _T.part, _T.status, _T.final_points, _T.max_points,
               _T.rubric_version_id, _T.resolution, _G.kind, _text(_G.levels))
        .select_from(GradingTask.__table__)
        .join(Response.__table__, _R.id == _T.response_id)
        .join(Attempt.__table__, _A.id == _R.attempt_id)
        .outerjoin(Grade.__table__, and_(_G.task_id == _T.id, _G.kind != "reference"))
        .where(scope).order_by(_T.id, _G.id)).all()
    tasks: dict[tuple[int, str], _Task] = {}
    for (_, response_id, part, status, final, maximum, rubric_id, resolution, kind,
         levels) in rows:
        task = tasks.get((response_id, part))
        if task is None:
            task = tasks[(response_id, part)] = _Task(status, final, maximum, rubric_id,
                                                      resolution)
        if kind is not None:
            task.grades.append((kind, decode(levels) or {}))
    return tasks


class _Column:
    """A sparse column being filled: rows (attempt indices), points, maxima."""

    __slots__ = ("rows", "points", "maxima")

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.points: list[float] = []
        self.maxima: list[float] = []

    def add(self, row: int, points: float, maximum: float) -> None:
        if self.rows and self.rows[-1] == row:  # a second value in the same attempt: sum
            self.points[-1] += points
            self.maxima[-1] += maximum
        else:
            self.rows.append(row)
            self.points.append(points)
            self.maxima.append(maximum)

    def scores(self, key: Any, random_guess: float | None = None) -> ia.PartScores:
        maxima = self.maxima
        top: float | list[float] = maxima[0] if maxima and \
            maxima.count(maxima[0]) == len(maxima) else maxima
        return ia.PartScores(key, self.rows, self.points, top, random_guess=random_guess)


def _build(slug: str, title: str, first_only: bool, versions: Sequence, scope,
           stamp: tuple) -> AnalysisReport:
    timed = {v.id for v in versions if v.mode != "practice"}
    meta = _item_versions(scope)
    rubrics = _Rubrics.load({m.bank_id for m in meta.values()})
    of_type = lambda *kinds: [i for i, m in meta.items() if m.type in kinds]  # noqa: E731
    # Only what the analysis reads is decoded: answers of keyed types without their written
    # text, presentations of pairwise items (position bias), details of rubric items.
    rows = db.session.connection().execute(
        select(_A.id, _A.assessment_version_id, _R.id, _R.item_version_id, _R.section_slug,
               _R.auto_points, _R.max_points,
               _text(case((_R.item_version_id.in_(of_type(*ia.DISTRACTORS)),
                           _keyed(_R.answer)), else_=null())),
               _text(case((_R.item_version_id.in_(of_type("pairwise")), _R.presentation),
                          else_=null())),
               _text(case((_R.item_version_id.in_(of_type("rubric")), _R.grade_detail),
                          else_=null())))
        .select_from(Attempt.__table__).join(Response.__table__, _R.attempt_id == _A.id)
        .where(scope).order_by(_A.id, _R.position)).all()
    tasks = _tasks(scope) if timed else {}
    slots_of = {i: item_types.get(m.type).scored_parts(m.content) for i, m in meta.items()}
    skills_of: dict[tuple[int, str], tuple[str, ...]] = {}
    criteria_of = {r: rubrics.criteria(r) for r in rubrics.by_id}

    index: dict[int, int] = {}  # attempt id -> row
    totals: list[float] = []
    total_max: list[float] = []
    items: dict[int, _Column] = defaultdict(_Column)
    parts: dict[tuple[int, str], _Column] = defaultdict(_Column)
    skills: dict[str, _Column] = defaultdict(_Column)
    item_dimensions: dict[tuple[int, str], _Column] = defaultdict(_Column)
    criteria: dict[tuple[int, str], _Column] = defaultdict(_Column)
    # per attempt: points per grading of each rubric criterion
    criteria_seen: dict[tuple[int, str], list[float]] = defaultdict(list)
    slots: dict[tuple[str, int], dict[int, float]] = defaultdict(dict)
    sections: dict[int, set[str]] = defaultdict(set)
    shown: dict[int, list[tuple[int, Any, Any]]] = defaultdict(list)  # (row, answer, present.)
    dimensions_of = {i: [(d["id"], len(m.content["dimensions"]))
                         for d in m.content.get("dimensions") or []]
                     for i, m in meta.items() if m.type == "rubric"}

    attempt_skills: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    ordinal: dict[str, int] = {}
    current = None

    def close_attempt(row: int) -> None:
        for skill, (points, maximum) in attempt_skills.items():
            skills[skill].add(row, points, maximum)
        for key, values in criteria_seen.items():
            top = criteria_top[key]
            criteria[key].add(row, sum(values) / len(values), top)
        attempt_skills.clear()
        criteria_seen.clear()
        ordinal.clear()

    criteria_top: dict[tuple[int, str], float] = {}
    decode = _Decoder()
    for (attempt_id, version_id, response_id, iv_id, section, auto_points, auto_max, answer,
         presentation, detail) in rows:
        answer, presentation, detail = decode(answer), decode(presentation), decode(detail)
        if attempt_id != current:
            if current is not None:
                close_attempt(index[current])
            current = attempt_id
            index[attempt_id] = len(totals)
            totals.append(0.0)
            total_max.append(0.0)
        row = index[attempt_id]
        m = meta[iv_id]
        item_points = item_max = 0.0
        pieces: list[tuple[str, str, float, float]] = []  # (part, kind, points, max)
        if auto_max:
            pieces.append((AUTO, AUTO, auto_points or 0.0, auto_max))
        if version_id in timed:
            for slot in slots_of[iv_id]:
                task = tasks.get((response_id, slot.part))
                if task is None:  # left empty: no task, zero of the rubric's maximum
                    rubric_id, maximum = rubrics.latest.get((m.bank_id, slot.rubric), (None, 0.0))
                    if not maximum:
                        continue
                    pieces.append((slot.part, slot.kind, 0.0, maximum))
                    levels: Mapping[str, float] | None = {}
                elif task.status == FINAL and task.max_points:
                    rubric_id = task.rubric_version_id
                    pieces.append((slot.part, slot.kind, task.final_points or 0.0,
                                   task.max_points))
                    levels = ia.final_levels(task.resolution, task.grades)
                else:
                    continue  # not final (a scored attempt should have none)
                if levels is not None and rubric_id in rubrics.by_id:
                    for criterion, top in criteria_of[rubric_id]:
                        key = (rubric_id, criterion)
                        criteria_top[key] = top
                        criteria_seen[key].append(float(levels.get(criterion, 0.0)))
        for part, kind, points, maximum in pieces:
            parts[(iv_id, part)].add(row, points, maximum)
            item_points += points
            item_max += maximum
            found_skills = skills_of.get((iv_id, kind))
            if found_skills is None:
                found_skills = skills_of[(iv_id, kind)] = part_skills(kind, m.skills)
            for skill in found_skills:
                tally = attempt_skills[skill]
                tally[0] += points
                tally[1] += maximum
        if auto_max and iv_id in dimensions_of:
            found = (detail or {}).get("dimensions") or {}
            for dimension, count in dimensions_of[iv_id]:
                credit = float((found.get(dimension) or {}).get("credit", 0.0))
                share = auto_max / count
                item_dimensions[(iv_id, dimension)].add(row, credit * share, share)
        items[iv_id].add(row, item_points, item_max)
        totals[row] += item_points
        total_max[row] += item_max
        sections[iv_id].add(section)
        k = ordinal[section] = ordinal.get(section, 0) + 1
        slots[(section, k)][row] = item_points
        shown[iv_id].append((row, answer, presentation))
    if current is not None:
        close_attempt(index[current])

    count = len(totals)
    item_keys = sorted(items, key=lambda i: meta[i].label)
    item_matrix = ia.Matrix(
        [items[i].scores(i, _item_guess(meta[i], parts, i)) for i in item_keys],
        totals, _fixed(total_max))
    complete = count and all(len(items[i].rows) == count for i in item_keys)
    if complete:
        components = [[float(v) for v in items[i].points] for i in item_keys]
        basis = "items"
    elif slots:
        components = [[column.get(r, 0.0) for r in range(count)]
                      for _, column in sorted(slots.items())]
        basis = "slots"
    else:
        components, basis = None, ""
    analysed = ia.analyse(item_matrix, components=components)

    item_stats = [ItemStat(**_measures(s), label=meta[i].label, type=meta[i].type,
                           item_version_id=i, bank=meta[i].bank, item=meta[i].item,
                           version=meta[i].version, title=meta[i].title, skills=meta[i].skills,
                           sections=tuple(sorted(sections[i])))
                  for i, s in zip(item_keys, analysed.parts)]

    part_keys = sorted(parts, key=lambda k: (meta[k[0]].label, k[1] != AUTO, k[1]))
    part_stats = [
        PartStat(**_measures(s), label=f"{meta[iv].label} · {_part_name(part)}",
                 item_label=meta[iv].label, part=part, kind=part.partition(":")[0],
                 type=meta[iv].type, item_version_id=iv)
        for (iv, part), s in zip(part_keys, ia.part_statistics(ia.Matrix(
            [parts[k].scores(k, meta[k[0]].guess if k[1] == AUTO else 0.0) for k in part_keys],
            totals, _fixed(total_max))))]

    skill_keys = sorted(skills)
    skill_stats = [SkillStat(**_measures(s), label=skill_label(skill), skill=skill)
                   for skill, s in zip(skill_keys, ia.part_statistics(ia.Matrix(
                       [skills[k].scores(k) for k in skill_keys], totals, _fixed(total_max))))]

    dimension_stats = []
    for source, columns, describe in (
            ("item", item_dimensions, lambda k: (meta[k[0]].label, k[1])),
            ("rubric", criteria, lambda k: (rubrics.by_id[k[0]][0], k[1]))):
        keys = sorted(columns, key=describe)
        for key, s in zip(keys, ia.part_statistics(ia.Matrix(
                [columns[k].scores(k) for k in keys], totals, _fixed(total_max)))):
            owner, dimension = describe(key)
            dimension_stats.append(DimensionStat(
                **_measures(s), label=f"{owner} · {dimension}", source=source, owner=owner,
                dimension=dimension))

    shares = [t / m if m else None for t, m in zip(totals, total_max)]
    distractor_rows, by_dimension, claims = [], {}, []
    for i in item_keys:
        m = meta[i]
        picks = ia.distractors(m.content, [ia.Shown(answer, presentation, shares[row])
                                           for row, answer, presentation in shown.get(i, [])])
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

    return AnalysisReport(
        slug=slug, title=title, first_attempts_only=first_only,
        versions=tuple(v.version for v in versions), attempts=count, test=analysed.test,
        cic_basis=basis if analysed.test.cic is not None else "", items=item_stats,
        parts=part_stats, skills=skill_stats, dimensions=dimension_stats,
        distractors=distractor_rows, confusions=confusions, stamp=stamp)


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
    return analysis_csv(item_statistics(assessment_slug,
                                        first_attempts_only=first_attempts_only), table)


def csv_filename(assessment_slug: str, table: str, first_attempts_only: bool) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", assessment_slug)[:80] or "assessment"
    return f"{safe}-{table}{'' if first_attempts_only else '-all-attempts'}.csv"


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ServiceError(f"Unknown table {table!r}; expected one of {', '.join(TABLES)}.",
                           code="not_found", field="table", status=404)


def analysis_csv(report: AnalysisReport, table: str) -> str:
    """One table of the report as CSV (UTF-8 text, a header row, shares as fractions)."""
    _check_table(table)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if table == "test":
        t = report.test
        writer.writerow(TEST_COLUMNS)
        writer.writerow(_cells((t.n, t.max_total, t.mean, t.median, t.sd, t.skewness,
                                t.kurtosis, t.cic, t.error_ratio, t.sem, t.components,
                                report.cic_basis, t.share(t.mean), t.share(t.median),
                                t.share(t.sd), t.share(t.sem))))
        return out.getvalue()
    rows: Sequence[Any] = getattr(report, table)
    kind = {"items": ItemStat, "parts": PartStat, "skills": SkillStat,
            "dimensions": DimensionStat, "distractors": DistractorRow}[table]
    names = [f.name for f in fields(kind)]
    if issubclass(kind, Measures):  # identity first, then the statistics
        names = [n for n in names if n not in MEASURE_COLUMNS] + list(MEASURE_COLUMNS)
    writer.writerow(names)
    for row in rows:
        values = asdict(row)
        writer.writerow(_cells(values[n] for n in names))
    return out.getvalue()


def _cells(values: Iterable[Any]) -> list[Any]:
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
