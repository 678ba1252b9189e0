"""Item analysis: test and item statistics, the optional tables, distractors and CSV."""
from __future__ import annotations

from flask import current_app, render_template, request

from ...services import analysis as analysis_service
from ..auth import role_required
from .blueprint import bp


def _first_attempts_only() -> bool:
    """``?attempts=all`` includes every attempt; anything else means first attempts only."""
    return request.args.get("attempts", "first") != "all"


@bp.get("/assessments/<slug>/analysis")
@role_required("admin")
def analysis(slug: str):
    """The test and item statistics; for an analysis of few responses every other table too,
    otherwise links to the two pages below, which compute theirs when opened."""
    first = _first_attempts_only()
    report = analysis_service.item_statistics(slug, first_attempts_only=first)
    shown = analysis_service.OPTIONAL if report.small else analysis_service.MAIN
    distractors = analysis_service.distractor_analysis(report) if report.small else None
    return render_template("admin/analysis.html", report=report, first=first, shown=shown,
                           distractors=distractors, tables=analysis_service.TABLES,
                           flag_labels=analysis_service.FLAGS)


@bp.get("/assessments/<slug>/analysis/details")
@role_required("admin")
def analysis_details(slug: str):
    """Parts, skills and rubric dimensions."""
    first = _first_attempts_only()
    report = analysis_service.item_statistics(slug, first_attempts_only=first,
                                              tables=analysis_service.OPTIONAL)
    return render_template("admin/analysis_details.html", report=report, first=first,
                           flag_labels=analysis_service.FLAGS)


@bp.get("/assessments/<slug>/analysis/distractors")
@role_required("admin")
def analysis_distractors(slug: str):
    """What was picked against the key, from the answers themselves."""
    first = _first_attempts_only()
    report, distractors = analysis_service.distractors(slug, first_attempts_only=first)
    return render_template("admin/analysis_distractors.html", report=report, first=first,
                           distractors=distractors, flag_labels=analysis_service.FLAGS)


@bp.get("/assessments/<slug>/analysis.csv")
@role_required("admin")
def analysis_csv(slug: str):
    first = _first_attempts_only()
    table = request.args.get("table", "items")
    text = analysis_service.export_csv(slug, table, first_attempts_only=first)
    response = current_app.response_class(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="{analysis_service.csv_filename(slug, table, first)}"'
    return response
