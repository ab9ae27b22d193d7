"""Practice dashboards: `/practices/<ODS>`."""

from flask import Blueprint, abort, render_template

from portal.queries.benchmarks import practice_benchmark, practice_trend
from portal.queries.patients import age_pyramid
from portal.queries.practices import get_practice

bp = Blueprint("practices", __name__, url_prefix="/practices")


@bp.get("/<code>")
def overview(code: str):
    practice = get_practice(code)
    if practice is None:
        abort(404)
    return render_template(
        "practices/overview.html",
        practice=practice,
        list_size=practice_benchmark(practice, "list_size"),
        trend=practice_trend(practice.code, "list_size", months=24),
        pyramid=age_pyramid(practice.code),
    )
