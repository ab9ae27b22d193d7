"""`/compare?practices=…&metrics=…`: up to ten practices side by side; the URL is the selection."""

from flask import Blueprint, render_template, request

from portal.blueprints.downloads import csv_response
from portal.queries.areas import AREAS
from portal.queries.compare import (
    MAX_PRACTICES,
    CompareError,
    compare_practices,
    comparison_rows,
    parse_metrics,
    parse_practices,
)

bp = Blueprint("compare", __name__)
METRIC_GROUPS = [(a.title, a.metrics) for a in AREAS.values() if a.metrics]


def _selection():
    # `practices=A,B` (a shared link) or repeated `metrics=x&metrics=y` (the form's checkboxes)
    codes = parse_practices(",".join(request.args.getlist("practices")))
    metric_ids = parse_metrics(",".join(request.args.getlist("metrics")))
    return codes, metric_ids


@bp.get("/compare")
def compare():
    try:
        codes, metric_ids = _selection()
    except CompareError as exc:
        return render_template(
            "compare.html", error=str(exc), comparison=None, codes=[], metric_ids=[],
            metric_groups=METRIC_GROUPS, max_practices=MAX_PRACTICES,
        ), 400  # fmt: skip
    comparison = compare_practices(codes, metric_ids) if codes else None
    return render_template(
        "compare.html",
        error=None,
        comparison=comparison,
        codes=codes,
        metric_ids=metric_ids,
        metric_groups=METRIC_GROUPS,
        max_practices=MAX_PRACTICES,
    )


@bp.get("/compare.csv")
def compare_csv():
    try:
        codes, metric_ids = _selection()
    except CompareError as exc:
        return {"error": str(exc)}, 400
    rows = comparison_rows(compare_practices(codes, metric_ids)) if codes else []
    columns = ["practice_code", "practice_name", "metric", "label", "unit", "period", "value",
               "england", "england_is", "source", "synthetic"]  # fmt: skip
    return csv_response(rows, "compare.csv", columns)
