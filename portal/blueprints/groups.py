"""Group dashboards: `/pcns/<code>`, `/sub-icbs/<code>`, `/icbs/<code>`, `/regions/<code>`
(and each one's CSV of every metric for every member practice), over portal.queries.groups."""

from flask import Blueprint, abort, render_template, request

from portal.blueprints.downloads import csv_response
from portal.catalogue import METRICS
from portal.queries.areas import source_span
from portal.queries.groups import (
    CSV_COLUMNS,
    LEVEL_SLUGS,
    SHORT_NAMES,
    SLUGS,
    SORTS,
    GroupNotFound,
    group_overview,
    member_rows,
)
from portal.queries.trend import chart as trend_chart
from portal.queries.trend import monthly_metrics

bp = Blueprint("groups", __name__)
KINDS = "any(" + ", ".join(f'"{slug}"' for slug in SLUGS) + ")"


@bp.get(f"/<{KINDS}:kind>/<code>")
def overview(kind: str, code: str):
    metric = request.args.get("metric") or None
    if metric is not None and metric not in METRICS:
        abort(404)
    try:
        found = group_overview(SLUGS[kind], code, metric, request.args.get("sort"))
    except GroupNotFound:
        abort(404)
    chart = None
    if found.comparison is not None and metric in monthly_metrics():
        # the group's XmR chart from the series the overview already holds (group_trend_chart's)
        series = next(
            h.trend for a in found.areas for h in a.headlines if h.figure.metric == metric
        )
        span = source_span(METRICS[metric].dataset, [p.period for p in series])
        chart = trend_chart(METRICS[metric], (found.group.level, found.group.code,
                                              found.group.name), series, span)  # fmt: skip
    return render_template(
        "groups/overview.html",
        overview=found,
        kind=kind,
        chart=chart,
        metric=METRICS.get(metric) if metric else None,
        metrics=[m for a in found.areas for m in (METRICS[h.figure.metric] for h in a.headlines)],
        sorts=SORTS,
        level_slugs=LEVEL_SLUGS,
        short_names=SHORT_NAMES,
    )


@bp.get(f"/<{KINDS}:kind>/<code>/practices.csv")
def practices_csv(kind: str, code: str):
    try:
        rows = member_rows(SLUGS[kind], code)
    except GroupNotFound:
        abort(404)
    name = code.strip().upper()
    return csv_response(rows, f"{kind}-{name}-practices.csv", CSV_COLUMNS)
