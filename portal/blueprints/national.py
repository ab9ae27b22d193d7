"""`/national/<metric>`: a metric across every open practice in England."""

from flask import Blueprint, abort, render_template, request

from portal.blueprints.downloads import csv_response
from portal.catalogue import METRICS
from portal.queries.national import national_view

bp = Blueprint("national", __name__, url_prefix="/national")


@bp.get("/")
def index():
    return render_template("national/index.html", metrics=METRICS.values())


@bp.get("/<metric>")
def metric(metric: str):
    view = national_view(metric, request.args.get("period") or None)
    if view is None:
        abort(404)
    return render_template("national/metric.html", view=view)


@bp.get("/<metric>.csv")
def metric_csv(metric: str):
    view = national_view(metric, request.args.get("period") or None, n=25)
    if view is None:
        abort(404)
    rows = [
        {"rank_from": end, "practice_code": r.code, "practice_name": r.name, "metric": metric,
         "period": view.period, "value": r.value, "percentile": r.percentile,
         "source": view.figure.source, "synthetic": view.figure.synthetic}
        for end, ranked in (("highest", view.highest), ("lowest", view.lowest))
        for r in ranked
    ]  # fmt: skip
    return csv_response(rows, f"{metric}-{view.period}-national.csv")
