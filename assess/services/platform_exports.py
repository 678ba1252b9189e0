"""Results exports as text, a chunk at a time: CSV (one flat row per attempt, skills as a
JSON object, never a spreadsheet formula) and JSON Lines (the API's attempt objects, exact)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .analysis import csv_cells
from .platform_results import EXPORT_FIELDS

ROWS_PER_CHUNK = 200


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_FIELDS)
    for count, row in enumerate(rows, start=1):
        cells = {**row, "skills": json.dumps(row["skills"], sort_keys=True)}
        writer.writerow(csv_cells(cells[name] for name in EXPORT_FIELDS))
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def jsonl_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    lines: list[str] = []
    for row in rows:
        lines.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
        if len(lines) == ROWS_PER_CHUNK:
            yield "".join(lines)
            lines.clear()
    if lines:
        yield "".join(lines)


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
