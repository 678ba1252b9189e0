"""What item analysis reads from the database: the attempts in scope and their stamp, their
responses' plain columns, the item and rubric versions they name, and their grading tasks.
The big reads are SQLAlchemy Core queries of plain columns (no ORM objects, no answers),
returned as the driver's tuples; JSON values come as text, decoded by a memoising
``Decoder``."""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Text, and_, case, cast, func, literal_column, null, or_, select, true

from ...extensions import db
from ...items import registry as item_types
from ...models import (
    Attempt,
    Bank,
    Grade,
    GradingTask,
    Item,
    ItemVersion,
    Response,
    Rubric,
    RubricVersion,
    ScoreEvent,
)
from ...models.types import JSONType

INDEPENDENT = "independent"

A = Attempt.__table__.c
R = Response.__table__.c
_T = GradingTask.__table__.c
_G = Grade.__table__.c
ATTEMPTS_RESPONSES = Attempt.__table__.join(Response.__table__, R.attempt_id == A.id)

_guesses: dict[str, float | None] = {}  # item version content hash -> expected auto share


def scope_of(assessment_id: int, versions: Sequence, first_only: bool):
    """The attempts analysed, on table columns (the big reads below stay Core queries)."""
    practice = [v.id for v in versions if v.mode == "practice"]
    condition = and_(
        A.assessment_id == assessment_id,
        A.assessment_version_id.in_([v.id for v in versions]),
        or_(A.status == "scored",
            and_(A.status == "submitted", A.assessment_version_id.in_(practice))))
    return and_(condition, A.number == 1) if first_only else condition


def stamp_of(assessment_id: int, scope) -> tuple:
    """What changes whenever the report would: the attempts in scope, their responses' item
    versions and keyed points (a regrade moves both), and any rescoring (appeals). One query;
    the indexes on attempts (assessment, status, number) and on responses
    (``ix_responses_analysis``) answer it without reading the rows."""
    events = ScoreEvent.__table__.c
    attempts = select(func.count(A.id), func.max(A.id)).where(scope).subquery()
    event = (select(func.max(events.id)).join(Attempt.__table__, A.id == events.attempt_id)
             .where(A.assessment_id == assessment_id).scalar_subquery())
    # Keyed points summed in millionths, whole numbers: a float sum depends on the order the
    # rows come in, which a parallel plan does not fix, and the stamp must not move by itself.
    responses = (select(func.count(), func.sum(R.item_version_id),
                        func.sum(func.round(R.auto_points * 1_000_000)))
                 .where(in_scope(scope)).subquery())
    return tuple(db.session.execute(
        select(*attempts.c, event, *responses.c).select_from(attempts).join(responses, true())
    ).one())


STAMP_RESPONSES = 3  # where the stamp has the number of responses


def in_scope(scope):
    """Responses of the attempts in scope. As a subquery rather than a join, it lets SQLite
    read the responses in (attempt, position) order from their index instead of sorting."""
    return R.attempt_id.in_(select(A.id).where(scope))


def rows_of(statement) -> list[tuple]:
    """A big read as the driver's plain tuples. Its columns are integers, floats and text that
    need no conversion, and building a SQLAlchemy row for each would cost as much again."""
    result = db.session.connection().execute(statement)
    try:
        return result.cursor.fetchall()
    finally:
        result.close()


def as_text(expression):
    """A JSON value as the database's text, decoded by ``Decoder`` rather than per row."""
    return cast(expression, Text)


class Decoder:
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


def keyed(answer):
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


@dataclass
class Responses:
    """The responses in scope, a column (a tuple) each, in attempt and position order."""

    attempt: Sequence[int]
    item_version: Sequence[int]
    section: Sequence[str]
    auto: Sequence[float | None]  # keyed points
    auto_max: Sequence[float | None]
    detail: Sequence[str | None]  # the grade detail of items that score dimensions, or ()
    version: Sequence[int]  # the attempt's assessment version, or ()
    count: int


def read_responses(scope, *, details: bool, versions: bool) -> Responses:
    """Each response's attempt, item version, section and keyed points; with ``details`` the
    grade detail of an item whose type scores dimensions (``ItemType.scores_dimensions``:
    its credit per dimension), with ``versions`` the attempt's assessment version."""
    columns = [R.attempt_id, R.item_version_id, R.section_slug, R.auto_points, R.max_points]
    if details:
        columns.append(as_text(case((R.item_version_id.in_(_scoring_dimensions()),
                                     R.grade_detail), else_=null())))
    if versions:
        columns.append(A.assessment_version_id)
    query = select(*columns)
    query = query.select_from(ATTEMPTS_RESPONSES).where(scope) if versions \
        else query.where(in_scope(scope))
    rows = rows_of(query.order_by(R.attempt_id, R.position))
    read = list(zip(*rows)) if rows else [()] * len(columns)
    attempt, item_version, section, auto, auto_max = read[:5]
    return Responses(attempt, item_version, section, auto, auto_max,
                     read[5] if details else (), read[-1] if versions else (), len(rows))


def _scoring_dimensions():
    """The item versions of types that score dimensions."""
    kinds = [name for name, kind in item_types.all_types().items() if kind.scores_dimensions]
    return (select(ItemVersion.id).join(Item, Item.id == ItemVersion.item_id)
            .where(Item.type.in_(kinds)))


@dataclass
class Meta:
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


def item_versions(ids: Iterable[int]) -> dict[int, Meta]:
    """The item versions the attempts in scope showed."""
    rows = db.session.execute(
        select(ItemVersion.id, ItemVersion.version, ItemVersion.content,
               ItemVersion.content_hash, ItemVersion.skills, Item.slug, Item.type, Bank.slug,
               Bank.id)
        .join(Item, Item.id == ItemVersion.item_id).join(Bank, Bank.id == Item.bank_id)
        .where(ItemVersion.id.in_(sorted(ids))))
    found = {}
    for (ident, number, content, content_hash, skills, slug, kind, bank, bank_id) in rows:
        found[ident] = Meta(ident, f"{bank}/{slug} v{number}", bank, bank_id, slug, number,
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
class Rubrics:
    by_id: dict[int, tuple[str, Mapping[str, Any]]]  # version id -> (label, definition)
    latest: dict[tuple[int, str], tuple[int, float]]  # (bank id, slug) -> (version id, max)

    @classmethod
    def load(cls, bank_ids: Iterable[int]) -> Rubrics:
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


class Tasks:
    """The grading tasks of one part of one item version as parallel tuples: attempt ids,
    statuses, final points, maxima, rubric version ids, and each task's grades as one key for
    ``columns.Levels``: the levels (JSON text) of its one independent grade, or (resolution,
    kind, levels, kind, levels …), oldest grade first (kind None: no grade)."""

    __slots__ = ("attempts", "statuses", "points", "maxima", "rubrics", "grades")

    def __init__(self, attempts, statuses, points, maxima, rubrics, grades) -> None:
        self.attempts, self.statuses, self.points = attempts, statuses, points
        self.maxima, self.rubrics, self.grades = maxima, rubrics, grades


def read_tasks(scope, *, grades: bool) -> dict[tuple[int, str], Tasks]:
    """Every grading task of the attempts in scope, by (item version id, part), with its
    grades (not reference marks) when ``grades``. One read, not sorted by the database
    (sorting the rows with their levels costs more than reading them): the rows are grouped
    by part here, and a part's rows are put in order only where a task has several grades."""
    query = select(R.item_version_id, _T.part, R.attempt_id, _T.status, _T.final_points,
                   _T.max_points, _T.rubric_version_id) \
        .select_from(GradingTask.__table__).join(Response.__table__, R.id == _T.response_id)
    if grades:
        query = query.add_columns(_T.resolution, _G.kind, as_text(_G.levels), _G.id).outerjoin(
            Grade.__table__, and_(_G.task_id == _T.id, _G.kind != "reference"))
    groups: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for row in rows_of(query.where(in_scope(scope))):
        groups[row[:2]].append(row)
    found: dict[tuple[int, str], Tasks] = {}
    for key, group in groups.items():
        columns = list(zip(*group))
        attempts, statuses, points, maxima, rubric_ids = columns[2:7]
        if not grades:
            found[key] = Tasks(attempts, statuses, points, maxima, rubric_ids, ())
            continue
        resolutions, kinds, levels = columns[7:10]
        if len(set(attempts)) == len(attempts):  # one grade (or none) per task
            # the usual case, one independent grade: its levels alone are the key
            keys = levels if kinds.count(INDEPENDENT) == len(kinds) \
                else tuple(zip(resolutions, kinds, levels))
            found[key] = Tasks(attempts, statuses, points, maxima, rubric_ids, keys)
        else:  # some tasks were graded more than once: one entry per task, grades in order
            found[key] = _merged(group)
    return found


def _merged(group: list[tuple]) -> Tasks:
    """A part's tasks from rows of which some repeat a task (one row per grade): one entry per
    task, its grades oldest first."""
    group.sort(key=_BY_ATTEMPT_AND_GRADE)
    attempts, statuses, points, maxima, rubric_ids, resolutions, kinds, levels = \
        list(zip(*group))[2:10]
    keep: list[int] = []
    merged: list[tuple] = []
    for i, attempt_id in enumerate(attempts):
        if i and attempt_id == attempts[i - 1]:
            merged[-1] += (kinds[i], levels[i])
        else:
            keep.append(i)
            merged.append((resolutions[i], kinds[i], levels[i]))
    attempts, statuses, points, maxima, rubric_ids = (
        tuple(column[i] for i in keep)
        for column in (attempts, statuses, points, maxima, rubric_ids))
    return Tasks(attempts, statuses, points, maxima, rubric_ids, tuple(merged))


def _BY_ATTEMPT_AND_GRADE(row: tuple) -> tuple:
    return row[2], -1 if row[10] is None else row[10]
