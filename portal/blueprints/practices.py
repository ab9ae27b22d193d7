"""Practice dashboards: `/practices/<ODS>` (overview) and `/practices/<ODS>/<area>`."""

from flask import Blueprint, abort, render_template

from portal.blueprints.downloads import csv_response
from portal.queries.areas import (
    AREAS,
    area_dashboard,
    benchmark_rows,
    get_area,
    practice_headlines,
    trend_rows,
)
from portal.queries.benchmarks import practice_benchmark, practice_trend
from portal.queries.deprivation import deprivation
from portal.queries.funding import funding
from portal.queries.patient_experience import patient_experience
from portal.queries.patients import age_pyramid
from portal.queries.practices import get_practice
from portal.queries.trend import panel_chart
from portal.queries.workforce import workforce

# Areas whose query module has more than the catalogue metrics: shown below the metric panels.
DETAILS = {
    "workforce": workforce,
    "patient-experience": patient_experience,
    "funding": funding,
}

bp = Blueprint("practices", __name__, url_prefix="/practices")


def _practice_or_404(code: str):
    practice = get_practice(code)
    if practice is None:
        abort(404)
    return practice


@bp.get("/<code>")
def overview(code: str):
    practice = _practice_or_404(code)
    return render_template(
        "practices/overview.html",
        practice=practice,
        list_size=practice_benchmark(practice, "list_size"),
        trend=practice_trend(practice.code, "list_size", months=24),
        pyramid=age_pyramid(practice.code),
        headlines=practice_headlines(practice.code),
        deprivation=deprivation(practice.code),
        areas=AREAS.values(),
        current="overview",
    )


@bp.get("/<code>/<area>")
def area(code: str, area: str):
    practice = _practice_or_404(code)
    selected = get_area(area)
    if selected is None:
        abort(404)
    dashboard = area_dashboard(practice, selected)
    return render_template(
        "practices/area.html",
        practice=practice,
        dashboard=dashboard,
        charts={p.metric.id: panel_chart(practice, p) for p in dashboard.panels},
        pyramid=age_pyramid(practice.code) if selected.slug == "registered-patients" else None,
        details=DETAILS[selected.slug](practice) if selected.slug in DETAILS else None,
        areas=AREAS.values(),
        current=selected.slug,
    )


@bp.get("/<code>/<area>/<table>.csv")
def area_csv(code: str, area: str, table: str):
    practice = _practice_or_404(code)
    selected = get_area(area)
    if selected is None or table not in ("latest", "trend"):
        abort(404)
    dashboard = area_dashboard(practice, selected)
    rows = benchmark_rows(dashboard) if table == "latest" else trend_rows(dashboard)
    return csv_response(rows, f"{practice.code}-{selected.slug}-{table}.csv")
