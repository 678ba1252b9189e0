"""The columns of the attempts × parts matrices and how they are cut from the responses: a
whole column at a time, with C-level ``zip``, ``itemgetter`` and ``map`` rather than a
response at a time."""
from __future__ import annotations

from itertools import repeat
from operator import itemgetter
from typing import Any, Callable, Mapping, Sequence

from ...core import item_analysis as ia
from ...core.scoring import AUTO
from .reading import INDEPENDENT, Decoder, Meta, Tasks

FINAL = "final"
_EMPTY = ("(left empty)",)  # the grades key of an answer left empty: every level zero


def take(values: Sequence, positions: Sequence[int]) -> list:
    """values[p] for each p in positions, at C speed."""
    if len(positions) == len(values):
        return list(values)  # every position, in order (the caller's positions ascend)
    if not positions:
        return []
    picked = itemgetter(*positions)(values)
    return [picked] if len(positions) == 1 else list(picked)


def taker(positions: Sequence[int], size: int) -> Callable[[Sequence], list]:
    """values[p] for each p in positions (ascending), of any sequence of ``size`` values."""
    if len(positions) == size:
        return list
    if len(positions) == 1:
        return lambda values: [values[positions[0]]]
    pick = itemgetter(*positions)
    return lambda values: list(pick(values))


def fixed(values: list[float]) -> float | list[float]:
    """A scalar where every attempt has the same maximum (the usual case), else the list."""
    return values[0] if values and values.count(values[0]) == len(values) else values


class Column:
    """A sparse column: rows (attempt indices, ascending), points, maxima."""

    __slots__ = ("rows", "points", "maxima")

    def __init__(self, rows: list[int], points: list[float], maxima: list[float]) -> None:
        self.rows, self.points, self.maxima = rows, points, maxima

    def scores(self, key: Any, random_guess: float | None = None) -> ia.PartScores:
        maxima = self.maxima
        top: float | list[float] = maxima[0] if maxima and \
            maxima.count(maxima[0]) == len(maxima) else maxima
        return ia.PartScores(key, self.rows, self.points, top, random_guess=random_guess)


class Sums:
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

    def column(self, everyone: list[int]) -> Column:
        """The column (``everyone``, the list of every row, when every attempt had some)."""
        rows = everyone if all(self.seen) else [r for r, seen in enumerate(self.seen) if seen]
        return Column(rows, take(self.points, rows), take(self.maxima, rows))


class Levels:
    """Each grading's levels on its rubric's criteria, as a tuple in the rubric's order (None
    where they do not count: no grade to take them from, or a rubric that is gone), from
    ``ia.final_levels`` of its grades. Memoised on (rubric version, grades): grades repeat (a
    rubric has few levels), so most gradings decode and average nothing."""

    def __init__(self, criteria_of: Mapping[int, list[tuple[str, float]]]) -> None:
        self.criteria_of = criteria_of
        self.decode = Decoder()
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


def written(tasks: Tasks | None, attempts: Sequence[int], rows: Sequence[int],
            default: tuple[int | None, float], levels: Levels | None,
            graded: Callable[[int], bool] | None
            ) -> tuple[Sequence[int], list[float], list[float], list[int | None] | None,
                       list[tuple[float, ...] | None] | None]:
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
        pick = take(found, shown)
    taken = (list(map(points.__getitem__, pick)), list(map(maxima.__getitem__, pick)))
    if chosen is None:
        return shown, *taken, None, None
    return (shown, *taken, list(map(rubrics.__getitem__, pick)),
            list(map(chosen.__getitem__, pick)))


def slot_columns(item_at: Sequence[float], count: int, width: int,
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


def grade_criteria(gradings: dict, rubric_id: int, count: int, rows: Sequence[int],
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


def dimension_columns(columns: dict, iv: int, dimensions: Sequence[Mapping[str, Any]],
                      rows: list[int], details: Sequence[str | None], maxima: Sequence[float],
                      credits: dict, decode: Decoder) -> None:
    """An item's scored dimensions: each one's credit (from the grade detail) scaled to its
    share of the item's keyed points."""
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
        columns[(iv, dimension["id"])] = Column(rows, [p for p, _ in pairs],
                                                [s for _, s in pairs])


def item_guess(m: Meta, parts: Mapping[tuple[int, str], Column], iv: int) -> float | None:
    """An item's random guess score: the keyed part's expected points over the whole item's
    maximum (a guesser writes nothing, so earns nothing on human-graded parts)."""
    auto = parts.get((iv, AUTO))
    if m.guess is None and auto is not None:
        return None
    columns = [c for (v, _), c in parts.items() if v == iv]
    total = sum(c.maxima[0] for c in columns if c.maxima)
    auto_max = auto.maxima[0] if auto is not None and auto.maxima else 0.0
    return (m.guess or 0.0) * auto_max / total if total else None


def part_name(part: str) -> str:
    if part == AUTO:
        return "keyed"
    kind, _, claim = part.partition(":")
    return f"{kind} ({claim})" if claim else kind
