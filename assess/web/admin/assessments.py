"""The assessments: validity against guessing, answer strategies, item exposure and the
overview charts."""
from __future__ import annotations

from flask import current_app, render_template, request

from ... import clock
from ...core import strategies as strategy_rules
from ...core.validity import GUESS_WARNING
from ...services import ServiceError, exposure, validity_reports
from ...services import banks as bank_service
from ...services import overview as overview_service
from ..auth import role_required
from .blueprint import bp


@bp.get("/assessments/<slug>/strategies")
@role_required("admin")
def strategies(slug: str):
    page = bank_service.strategy_page(slug)
    return render_template("admin/strategies.html", page=page, bars=strategy_rules)


@bp.get("/assessments")
@role_required("admin")
def assessments():
    reports = validity_reports.guessing_reports(clock.now())
    return render_template("admin/assessments.html", reports=reports,
                           threshold=GUESS_WARNING)


@bp.get("/exposure")
@role_required("admin")
def exposure_page():
    """How many attempts showed each item and item version."""
    return render_template("admin/exposure.html", banks=exposure.exposure_counts())


@bp.get("/assessments/<slug>/overview")
@role_required("admin")
def overview(slug: str):
    """Charts of an assessment's scores, tiers, funnel and items, each over a table of the
    same numbers (the page is whole without JavaScript or the chart library)."""
    result = overview_service.overview(slug)
    return render_template(
        "admin/overview.html", overview=result, chart_data=result.chart_data(),
        charts_available=overview_service.charts_available(current_app.static_folder),
        chart_library=overview_service.CHART_LIBRARY)


@bp.get("/assessments/<slug>/overview.csv")
@role_required("admin")
def overview_csv(slug: str):
    table = request.args.get("table", "")
    if table not in overview_service.TABLES:
        raise ServiceError(f"Choose a table: {', '.join(overview_service.TABLES)}.",
                           code="not_found", field="table")
    result = overview_service.overview(slug, with_items=table == "items")
    return current_app.response_class(
        overview_service.overview_csv(result, table), mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{slug}-{table}.csv"'})
