"""A report's tables as CSV (the download links, and the overview's items)."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, fields
from typing import Any, Iterable, Sequence

from ...core import item_analysis as ia
from .. import ServiceError
from .picks import distractor_analysis
from .report import (
    AnalysisReport,
    DimensionStat,
    DistractorRow,
    ItemStat,
    Measures,
    PartStat,
    SkillStat,
)

TABLES = ("test", "items", "parts", "skills", "dimensions", "distractors")
MEASURE_COLUMNS = ("n", "mean", "max_points", "facility", "sd", "random_guess",
                   "intended_weight", "effective_weight", "discrimination",
                   "discriminative_efficiency", "flags")
TEST_COLUMNS = ("attempts", "max_total", "mean", "median", "sd", "skewness", "kurtosis", "cic",
                "error_ratio", "sem", "cic_components", "cic_basis", "mean_share",
                "median_share", "sd_share", "sem_share")
FLAGS = ia.FLAG_LABELS
_ROWS = {"items": ItemStat, "parts": PartStat, "skills": SkillStat,
         "dimensions": DimensionStat, "distractors": DistractorRow}


def csv_filename(assessment_slug: str, table: str, first_attempts_only: bool) -> str:
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", assessment_slug)[:80] or "assessment"
    return f"{safe}-{table}{'' if first_attempts_only else '-all-attempts'}.csv"


def check_table(table: str) -> None:
    if table not in TABLES:
        raise ServiceError(f"Unknown table {table!r}; expected one of {', '.join(TABLES)}.",
                           code="not_found", field="table")


def analysis_csv(report: AnalysisReport, table: str) -> str:
    """One table of the report as CSV (UTF-8 text, a header row, shares as fractions)."""
    check_table(table)
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
    kind = _ROWS[table]
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
