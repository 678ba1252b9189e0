"""Results exports, streamed: the rows come from a server-side cursor while the response is
being sent, so neither side holds the whole export."""
from __future__ import annotations

from flask import current_app, stream_with_context

from ...services import platform_exports, platform_results
from .auth import api_call, caller
from .blueprint import bp
from .schemas import ExportQuery
from .spec import documented, query_of, responses

TAGS = ("results",)


def _rows():
    query = query_of(ExportQuery)
    return platform_results.export_rows(caller(), assessment=query.assessment,
                                        status=query.status, since=query.since)


def _streamed(chunks, mimetype: str, filename: str):
    return current_app.response_class(
        stream_with_context(chunks), mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/exports/results.csv")
@api_call("results:read")
@documented(query=ExportQuery, tags=TAGS, resp=responses())
def export_csv():
    """Every attempt of your candidates as CSV (skills as a JSON object per row)."""
    return _streamed(platform_exports.csv_chunks(_rows()), "text/csv", "results.csv")


@bp.get("/exports/results.jsonl")
@api_call("results:read")
@documented(query=ExportQuery, tags=TAGS, resp=responses())
def export_jsonl():
    """Every attempt of your candidates as JSON Lines, one attempt object per line."""
    return _streamed(platform_exports.jsonl_chunks(_rows()), "application/jsonl",
                     "results.jsonl")
