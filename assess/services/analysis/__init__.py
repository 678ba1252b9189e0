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

The modules: ``report`` (the report and its rows), ``reading`` (the database reads),
``columns`` (the matrices' columns and how they are cut), ``build`` (a report from the
attempts in scope), ``picks`` (the distractor tables) and ``export`` (CSV). This package
computes and caches reports (``item_statistics``) and re-exports what its callers use.
"""
from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from contextlib import contextmanager
from typing import Iterable

from sqlalchemy import select

from ...extensions import db
from ...models import Assessment, AssessmentVersion
from .. import ServiceError
from .build import build_report
from .columns import FINAL
from .export import (
    FLAGS,
    MEASURE_COLUMNS,
    TABLES,
    TEST_COLUMNS,
    analysis_csv,
    check_table,
    csv_cells,
    csv_filename,
)
from .picks import distractor_analysis
from .reading import INDEPENDENT, STAMP_RESPONSES, scope_of, stamp_of
from .report import (
    MAIN,
    OPTIONAL,
    AnalysisReport,
    DimensionStat,
    DistractorRow,
    Distractors,
    ItemStat,
    Measures,
    PartStat,
    SkillStat,
)

__all__ = ["CACHE_SIZE", "FINAL", "FLAGS", "INDEPENDENT", "INLINE", "MAIN", "MEASURE_COLUMNS",
           "OPTIONAL", "TABLES", "TEST_COLUMNS", "AnalysisReport", "DimensionStat",
           "DistractorRow", "Distractors", "ItemStat", "Measures", "PartStat", "SkillStat",
           "analysis_csv", "csv_cells", "csv_filename", "distractor_analysis", "distractors",
           "export_csv", "item_statistics"]

INLINE = 10_000  # up to this many responses the page shows every table (``report.OPTIONAL``)
CACHE_SIZE = 32

_cache: OrderedDict[tuple, AnalysisReport] = OrderedDict()
_cache_lock = threading.Lock()


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
    scope = scope_of(assessment_id, chosen, first_attempts_only)
    stamp = stamp_of(assessment_id, scope)
    wanted = frozenset(OPTIONAL if stamp[STAMP_RESPONSES] <= INLINE else MAIN) \
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
        report = build_report(assessment_slug, title, first_attempts_only, chosen, scope,
                              stamp, wanted)
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


def distractors(assessment_slug: str, *, first_attempts_only: bool = True,
                version: int | None = None) -> tuple[AnalysisReport, Distractors]:
    """The report and its distractor tables (see ``distractor_analysis``)."""
    report = item_statistics(assessment_slug, first_attempts_only=first_attempts_only,
                             version=version)
    return report, distractor_analysis(report)


def export_csv(assessment_slug: str, table: str, *, first_attempts_only: bool = True) -> str:
    """One table of an assessment's item analysis as CSV (the download links)."""
    check_table(table)
    report = item_statistics(assessment_slug, first_attempts_only=first_attempts_only,
                             tables={table} & OPTIONAL)
    return analysis_csv(report, table)
