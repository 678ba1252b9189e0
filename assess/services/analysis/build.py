"""Building a report: read the attempts in scope, cut the attempts × parts matrices into
columns one item version at a time (``Matrices``), and compute the statistics of each table."""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import accumulate, repeat
from operator import floordiv, truediv
from typing import Callable, Sequence

from ...core import item_analysis as ia
from ...core.scoring import AUTO, part_skills, skill_label
from ...items import registry as item_types
from .columns import (
    Column,
    Levels,
    Sums,
    dimension_columns,
    fixed,
    grade_criteria,
    item_guess,
    part_name,
    slot_columns,
    take,
    taker,
    written,
)
from .reading import (
    Decoder,
    Meta,
    Responses,
    Rubrics,
    Tasks,
    item_versions,
    read_responses,
    read_tasks,
)
from .report import (
    ITEM_DIMENSION,
    RUBRIC_CRITERION,
    AnalysisReport,
    DimensionStat,
    ItemStat,
    PartStat,
    SkillStat,
    Source,
    measures,
)


def build_report(slug: str, title: str, first_only: bool, versions: Sequence, scope,
                 stamp: tuple, tables: frozenset[str]) -> AnalysisReport:
    """Read the attempts in scope and compute the statistics: the test's and the items', and
    those of ``tables`` (of "parts", "skills", "dimensions").

    Two big reads, both of plain columns (no ORM objects, no answers): each response's item
    version, section and keyed points, in attempt and position order; each grading task's
    points (timed versions only: practice is never graded by people). The rubric dimensions
    need more: the grade details of items that score dimensions, and the levels of every
    grade. The columns of the attempts × parts matrices are then built a whole column at a
    time (C-level ``zip``, ``itemgetter``, ``map``) rather than a response at a time."""
    timed = {v.id for v in versions if v.mode != "practice"}
    mixed = bool(timed) and len(timed) < len(versions)
    dimensions = "dimensions" in tables
    responses = read_responses(scope, details=dimensions, versions=mixed)
    meta = item_versions(set(responses.item_version))
    rubrics = Rubrics.load({m.bank_id for m in meta.values()})
    tasks = read_tasks(scope, grades=dimensions) if timed else None
    layout = _layout(responses)
    # whether people graded the attempt: asked only when practice and timed versions mix
    graded = {layout.index[attempt_id] for attempt_id, version_id
              in zip(responses.attempt, responses.version)
              if version_id in timed}.__contains__ if mixed else None
    found = Matrices(responses, layout, meta, rubrics, tables, tasks, graded)
    for iv, where in _positions(responses.item_version).items():
        found.add(iv, where)

    totals, total_max = found.totals()
    stats = _Statistics(totals, fixed(total_max))
    item_keys, analysed, basis = _analyse_items(found, stats)
    shares = {attempt_id: totals[r] / total_max[r] if total_max[r] else None
              for attempt_id, r in layout.index.items()}
    return AnalysisReport(
        slug=slug, title=title, first_attempts_only=first_only,
        versions=tuple(v.version for v in versions), attempts=layout.count, test=analysed.test,
        cic_basis=basis if analysed.test.cic is not None else "",
        items=_item_stats(item_keys, analysed.parts, meta, found.sections),
        parts=_part_stats(found.parts, meta, stats) if "parts" in tables else None,
        skills=_skill_stats(found.skills(), stats) if "skills" in tables else None,
        dimensions=_dimension_stats(found, stats) if dimensions else None, stamp=stamp,
        responses=responses.count, _source=Source(scope, meta, tuple(item_keys), shares))


# ---- the matrix rows and slots ----------------------------------------------------------------

@dataclass
class Layout:
    """The matrix rows: the attempts, in id order, each a run of consecutive responses; and
    each response's row and slot, the k-th item of its section."""

    index: dict[int, int]  # attempt id -> row
    starts: list[int]  # each row's first response
    ends: list[int]  # and the one after its last
    row_of: Sequence[int]  # response -> row
    width: int  # a fixed form's responses per attempt (each slot a position), else 0
    slot_keys: list[tuple[str, int]]  # slot -> (section, k)
    slot_of: list[int]  # response -> slot (a drawn form only)

    @property
    def count(self) -> int:
        return len(self.index)


def _layout(responses: Responses) -> Layout:
    sizes = Counter(responses.attempt)  # attempt id -> how many responses, in attempt order
    index = dict(zip(sizes, range(len(sizes))))
    count = len(index)
    ends = list(accumulate(sizes.values()))
    starts = [0, *ends[:-1]]
    # Usually every attempt has the same sections with the same number of items (a fixed
    # blueprint): then the slots are the positions, and each one's column a slice.
    section_of = responses.section
    width = responses.count // count if count else 0
    if count and list(sizes.values()).count(width) == count and all(
            len(set(section_of[j::width])) == 1 for j in range(width)):
        row_of = list(map(floordiv, range(responses.count), repeat(width)))
        return Layout(index, starts, ends, row_of, width, _fixed_slots(section_of[:width]), [])
    return Layout(index, starts, ends, *_drawn_slots(responses.attempt, section_of, index))


def _fixed_slots(sections: Sequence[str]) -> list[tuple[str, int]]:
    """The slots of a fixed form, from the sections of one attempt's responses."""
    keys: list[tuple[str, int]] = []
    ordinal: dict[str, int] = {}
    for section in sections:
        ordinal[section] = ordinal.get(section, 0) + 1
        keys.append((section, ordinal[section]))
    return keys


def _drawn_slots(attempt_of: Sequence[int], section_of: Sequence[str], index: dict[int, int]
                 ) -> tuple[list[int], int, list[tuple[str, int]], list[int]]:
    """Each response's row and slot where attempts differ in sections or lengths: (rows, 0,
    slot keys, slots)."""
    row_of: list[int] = []
    slot_keys: list[tuple[str, int]] = []
    slot_of: list[int] = []
    section_slots: dict[str, list[int]] = {}
    ordinal: dict[str, int] = {}
    current, row = None, 0
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
    return row_of, 0, slot_keys, slot_of


def _positions(item_versions: Sequence[int]) -> dict[int, list[int]]:
    """Item version -> the positions of its responses."""
    positions: dict[int, list[int]] = defaultdict(list)
    for position, iv in enumerate(item_versions):
        positions[iv].append(position)
    return positions


# ---- the columns ------------------------------------------------------------------------------

class Matrices:
    """The columns of the attempts × parts matrices, added one item version at a time: the
    item's, each of its parts', each dimension of an item that scores dimensions, each
    skill's sums and each bank rubric's gradings. ``tasks`` None: no attempt is graded by
    people (practice only)."""

    def __init__(self, responses: Responses, layout: Layout, meta: dict[int, Meta],
                 rubrics: Rubrics, tables: frozenset[str],
                 tasks: dict[tuple[int, str], Tasks] | None,
                 graded: Callable[[int], bool] | None) -> None:
        self.responses, self.layout, self.meta, self.rubrics = responses, layout, meta, rubrics
        self.tasks = tasks if tasks is not None else {}
        self.people_grade = tasks is not None  # else no written part is read
        self.graded = graded
        self.with_skills = "skills" in tables
        self.items: dict[int, Column] = {}
        self.parts: dict[tuple[int, str], Column] = {}
        self.item_dimensions: dict[tuple[int, str], Column] = {}
        self.skill_sums: dict[str, Sums] = {}
        self.sections: dict[int, set[str]] = {}
        # rubric version id -> per matrix row: how many gradings with it, and the sum of each
        # criterion's levels over them (their mean is the attempt's points on the criterion)
        self.gradings: dict[int, tuple[list[int], list[list[float]]]] = {}
        self.criteria_of = {r: rubrics.criteria(r) for r in rubrics.by_id}
        self.levels = Levels(self.criteria_of) if "dimensions" in tables else None
        self.decode = Decoder()
        self.credits: dict[tuple[str | None, float], list[tuple[float, float]]] = {}
        # Each response's points and maximum over all its parts: the keyed part's, to which
        # the parts people grade are added (in the order scoring adds them).
        auto, auto_max = responses.auto, responses.auto_max
        self.item_at: list[float]
        self.item_max_at: list[float]
        if None not in auto and all(auto_max):
            self.item_at, self.item_max_at = list(auto), list(auto_max)
        else:
            self.item_at = [(p or 0.0) if top else 0.0 for p, top in zip(auto, auto_max)]
            self.item_max_at = [top if top else 0.0 for top in auto_max]

    def add(self, iv: int, where: list[int]) -> None:
        """An item version's columns, from its responses (at positions ``where``)."""
        m = self.meta[iv]
        take_iv = taker(where, self.responses.count)  # its values of a response column
        rows = take_iv(self.layout.row_of)
        whole = self._keyed(iv, m, take_iv, rows)
        if self.people_grade and self._written(iv, m, take_iv, rows, where):
            whole = None
        # An item of one part is that part: the same lists, so its statistics are worked
        # out once (``ia.Shared``).
        self.items[iv] = Column(rows, *(whole or (take_iv(self.item_at),
                                                  take_iv(self.item_max_at))))
        self.sections[iv] = set(take_iv(self.responses.section))

    def _keyed(self, iv: int, m: Meta, take_iv: Callable, rows: list[int]
               ) -> tuple[list[float], list[float]] | None:
        """The keyed part, where the response has one (a maximum); its points and maxima
        when every response has it (the whole item, unless people grade other parts)."""
        size = len(rows)
        maxima = take_iv(self.responses.auto_max)
        keyed = range(size) if all(maxima) else [j for j, top in enumerate(maxima) if top]
        if not keyed:
            return None
        every = len(keyed) == size
        points = take_iv(self.responses.auto)
        if not every:
            points, maxima = take(points, keyed), take(maxima, keyed)
        if None in points:
            points = [p or 0.0 for p in points]
        part_rows = rows if every else take(rows, keyed)
        self.parts[(iv, AUTO)] = Column(part_rows, points, maxima)
        self._tally(AUTO, m, part_rows, points, maxima)
        scales = item_types.get(m.type).scored_dimensions(m.content) \
            if self.levels is not None else None
        if scales:
            details = take_iv(self.responses.detail)
            dimension_columns(self.item_dimensions, iv, scales, part_rows,
                              details if every else take(details, keyed), maxima,
                              self.credits, self.decode)
        return (points, maxima) if every else None

    def _written(self, iv: int, m: Meta, take_iv: Callable, rows: list[int],
                 where: list[int]) -> bool:
        """The parts people grade: a task's final points, or zero of the rubric's maximum
        where the answer was left empty (no task). Whether any response has one."""
        scored = item_types.get(m.type).scored_parts(m.content)
        attempts = take_iv(self.responses.attempt) if scored else ()
        item_at, item_max_at = self.item_at, self.item_max_at
        found = False
        for slot in scored:
            shown, points, maxima, rubric_ids, chosen = written(
                self.tasks.get((iv, slot.part)), attempts, rows,
                self.rubrics.latest.get((m.bank_id, slot.rubric), (None, 0.0)), self.levels,
                self.graded)
            if not shown:
                continue
            found = True
            every = len(shown) == len(rows)
            part_rows = rows if every else take(rows, shown)
            self.parts[(iv, slot.part)] = Column(part_rows, points, maxima)
            self._tally(slot.kind, m, part_rows, points, maxima)
            for position, p, top in zip(where if every else take(where, shown), points,
                                        maxima):
                item_at[position] += p
                item_max_at[position] += top
            if self.levels is not None:
                self._grade_criteria(part_rows, rubric_ids, chosen)
        return found

    def _tally(self, kind: str, m: Meta, rows: Sequence[int], points: Sequence[float],
               maxima: Sequence[float]) -> None:
        """A part's points towards each of its skills."""
        for skill in part_skills(kind, m.skills) if self.with_skills else ():
            sums = self.skill_sums.get(skill)
            if sums is None:
                sums = self.skill_sums[skill] = Sums(self.layout.count)
            sums.add(rows, points, maxima)

    def _grade_criteria(self, rows: list[int], rubric_ids: list, chosen: list) -> None:
        """The attempt's points on each criterion of a rubric: the mean of its gradings."""
        count = self.layout.count
        if len(set(rubric_ids)) == 1 and None not in chosen:
            grade_criteria(self.gradings, rubric_ids[0], count, rows, chosen)
            return
        for row, rubric_id, found in zip(rows, rubric_ids, chosen):
            if found is not None:
                grade_criteria(self.gradings, rubric_id, count, [row], [found])

    def totals(self) -> tuple[list[float], list[float]]:
        """T_s and its maximum: each attempt's responses summed in position order, as scoring
        does."""
        spans = list(zip(self.layout.starts, self.layout.ends))
        return ([sum(self.item_at[a:b]) for a, b in spans],
                [sum(self.item_max_at[a:b]) for a, b in spans])

    def skills(self) -> dict[str, Column]:
        everyone = list(range(self.layout.count))
        return {skill: sums.column(everyone) for skill, sums in self.skill_sums.items()}

    def criteria(self) -> dict[tuple[int, str], Column]:
        """Each bank rubric criterion: the attempt's mean points on it over its gradings."""
        found = {}
        for rubric_id, (times, sums) in self.gradings.items():
            graded = [row for row, n in enumerate(times) if n]
            times = take(times, graded)
            for (criterion, top), column in zip(self.criteria_of[rubric_id], sums):
                found[(rubric_id, criterion)] = Column(
                    graded, list(map(truediv, take(column, graded), times)),
                    [top] * len(graded))
        return found


# ---- the statistics ---------------------------------------------------------------------------

class _Statistics:
    """Moodle's statistics of columns against the same totals, sharing their common work
    (``ia.Shared``)."""

    def __init__(self, totals: list[float], total_max: float | list[float]) -> None:
        self.totals, self.total_max, self.shared = totals, total_max, ia.Shared()

    def analyse(self, scores: list[ia.PartScores], components) -> ia.Analysis:
        return ia.analyse(ia.Matrix(scores, self.totals, self.total_max),
                          components=components, shared=self.shared)

    def of(self, scores: list[ia.PartScores]) -> list[ia.PartStats]:
        return ia.part_statistics(ia.Matrix(scores, self.totals, self.total_max),
                                  shared=self.shared)


def _analyse_items(found: Matrices, stats: _Statistics
                   ) -> tuple[list[int], ia.Analysis, str]:
    """The test's and the items' statistics, the items by label; the CIC over the items when
    every attempt had every item, else over the slots they were drawn into."""
    meta, items, layout = found.meta, found.items, found.layout
    keys = sorted(items, key=lambda i: meta[i].label)
    scores = [items[i].scores(i, item_guess(meta[i], found.parts, i)) for i in keys]
    if layout.count and all(len(items[i].rows) == layout.count for i in keys):
        components, basis = [[float(v) for v in items[i].points] for i in keys], "items"
    elif layout.slot_keys:
        components, basis = slot_columns(found.item_at, layout.count, layout.width,
                                         layout.slot_keys, layout.row_of,
                                         layout.slot_of), "slots"
    else:
        components, basis = None, ""
    return keys, stats.analyse(scores, components), basis


def _item_stats(keys: list[int], analysed: list[ia.PartStats], meta: dict[int, Meta],
                sections: dict[int, set[str]]) -> list[ItemStat]:
    return [ItemStat(**measures(s), label=meta[i].label, type=meta[i].type,
                     item_version_id=i, bank=meta[i].bank, item=meta[i].item,
                     version=meta[i].version, title=meta[i].title, skills=meta[i].skills,
                     sections=tuple(sorted(sections[i])))
            for i, s in zip(keys, analysed)]


def _part_stats(parts: dict[tuple[int, str], Column], meta: dict[int, Meta],
                stats: _Statistics) -> list[PartStat]:
    keys = sorted(parts, key=lambda k: (meta[k[0]].label, k[1] != AUTO, k[1]))
    found = stats.of([parts[k].scores(k, meta[k[0]].guess if k[1] == AUTO else 0.0)
                      for k in keys])
    return [PartStat(**measures(s), label=f"{meta[iv].label} · {part_name(part)}",
                     item_label=meta[iv].label, part=part, kind=part.partition(":")[0],
                     type=meta[iv].type, item_version_id=iv)
            for (iv, part), s in zip(keys, found)]


def _skill_stats(skills: dict[str, Column], stats: _Statistics) -> list[SkillStat]:
    keys = sorted(skills)
    return [SkillStat(**measures(s), label=skill_label(skill), skill=skill)
            for skill, s in zip(keys, stats.of([skills[k].scores(k) for k in keys]))]


def _dimension_stats(found: Matrices, stats: _Statistics) -> list[DimensionStat]:
    """The items' scored dimensions, then the bank rubrics' criteria."""
    meta, rubrics = found.meta, found.rubrics
    out = []
    for source, columns, describe in (
            (ITEM_DIMENSION, found.item_dimensions, lambda k: (meta[k[0]].label, k[1])),
            (RUBRIC_CRITERION, found.criteria(), lambda k: (rubrics.by_id[k[0]][0], k[1]))):
        keys = sorted(columns, key=describe)
        for key, s in zip(keys, stats.of([columns[k].scores(k) for k in keys])):
            owner, dimension = describe(key)
            out.append(DimensionStat(**measures(s), label=f"{owner} · {dimension}",
                                     source=source, owner=owner, dimension=dimension))
    return out
