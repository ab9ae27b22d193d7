"""`/compare?practices=…&metrics=…`: up to ten practices side by side; the URL is the selection."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from portal.access import NotFoundOrDenied
from portal.blueprints.downloads import csv_response
from portal.queries import saved_groups
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
    group, group_row = None, {}
    if request.args.get("group"):  # a saved group: its practices, and its value as a row
        try:
            group = saved_groups.get_group(current_user, request.args["group"])
        except NotFoundOrDenied:
            abort(404)
        codes = codes or group.codes[:MAX_PRACTICES]
    comparison = compare_practices(codes, metric_ids) if codes else None
    if group is not None and comparison is not None:
        group_row = {
            c.metric.id: saved_groups.value_over(
                c.metric, c.period, group.codes, str(group.id), group.name
            )  # fmt: skip
            for c in comparison.columns
            if c.period
        }
    return render_template(
        "compare.html",
        error=None,
        comparison=comparison,
        group=group,
        group_row=group_row,
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
               "england_total", "england_median_practice", "practice_set_beside", "source",
               "synthetic"]  # fmt: skip
    return csv_response(rows, "compare.csv", columns)
