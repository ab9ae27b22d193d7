"""Practice dashboards: `/practices/<ODS>` (overview) and `/practices/<ODS>/<area>`."""

from flask import Blueprint, abort, render_template
from flask_login import current_user

from portal import access
from portal.blueprints.downloads import csv_response
from portal.queries.area_view import area_view, breakdown_rows
from portal.queries.areas import AREAS, benchmark_rows, get_area, trend_rows
from portal.queries.benchmarks import practice_benchmark, practice_trend
from portal.queries.deprivation import deprivation
from portal.queries.overview import headline_areas, practice_overview
from portal.queries.patients import age_pyramid
from portal.queries.successors import mergers
from portal.queries.trend import panel_chart
from portal.series_breaks import SUCCESSORS
from portal.sources import SOURCES

bp = Blueprint("practices", __name__, url_prefix="/practices")
TABLES = {"latest": benchmark_rows, "trend": trend_rows, "breakdowns": breakdown_rows}


def _practice_or_404(code: str):
    """The practice as `portal.access` allows the pages to read it (the API and MCP ask too)."""
    try:
        return access.public_practice(current_user, code, "pages")
    except access.NotFoundOrDenied:
        abort(404)


@bp.get("/<code>")
def overview(code: str):
    practice = _practice_or_404(code)
    return render_template(
        "practices/overview.html",
        practice=practice,
        list_size=practice_benchmark(practice, "list_size"),
        trend=practice_trend(practice.code, "list_size", months=24),
        pyramid=age_pyramid(practice.code),
        headlines=practice_overview(practice).figures,
        headline_areas=headline_areas(),
        deprivation=deprivation(practice.code),
        mergers=mergers(practice.code),
        merger_source=SOURCES[SUCCESSORS].publication,
        areas=AREAS.values(),
        current="overview",
    )


@bp.get("/<code>/<area>")
def area(code: str, area: str):
    practice = _practice_or_404(code)
    selected = get_area(area)
    if selected is None:
        abort(404)
    view = area_view(practice, selected.slug)
    return render_template(
        "practices/area.html",
        practice=practice,
        dashboard=view,
        charts={p.metric.id: panel_chart(practice, p) for p in view.panels},
        pyramid=view.age_pyramid,
        details=view.details,
        areas=AREAS.values(),
        current=selected.slug,
    )


@bp.get("/<code>/<area>/<table>.csv")
def area_csv(code: str, area: str, table: str):
    practice = _practice_or_404(code)
    selected = get_area(area)
    if selected is None or table not in TABLES:
        abort(404)
    rows = TABLES[table](area_view(practice, selected.slug))
    return csv_response(rows, f"{practice.code}-{selected.slug}-{table}.csv")
