"""`/national/<metric>`: a metric across every open practice in England."""

from flask import Blueprint, abort, render_template, request

from portal.blueprints.downloads import csv_response
from portal.catalogue import METRICS
from portal.queries.funnel import funnel_view
from portal.queries.gradient import inequality_gradient
from portal.queries.national import national_view
from portal.queries.practices import normalise_code

bp = Blueprint("national", __name__, url_prefix="/national")


@bp.get("/")
def index():
    return render_template("national/index.html", metrics=METRICS.values())


@bp.get("/<metric>")
def metric(metric: str):
    view = national_view(metric, request.args.get("period") or None)
    if view is None:
        abort(404)
    widen = request.args.get("overdispersion") == "on"
    plot = funnel_view(view.metric.id, view.period, widen)
    code = normalise_code(request.args.get("practice"))
    chosen = next((p for p in plot.practices if p.code == code), None) if plot else None
    gradient = inequality_gradient(view.metric.id, view.period)
    return render_template(
        "national/metric.html", view=view, funnel=plot, chosen=chosen, gradient=gradient
    )


@bp.get("/<metric>/funnel.csv")
def funnel_csv(metric: str):
    view = national_view(metric, request.args.get("period") or None)
    plot = (
        funnel_view(view.metric.id, view.period, request.args.get("overdispersion") == "on")
        if view
        else None
    )
    if plot is None:
        abort(404)
    rows = [
        {"practice_code": p.code, "practice_name": p.name, "metric": metric, "period": plot.period,
         "denominator": p.denominator, "value": p.value, "england": plot.england,
         "band": p.band, "overdispersion": plot.overdispersion, "source": plot.source,
         "synthetic": plot.synthetic}
        for p in plot.practices
    ]  # fmt: skip
    return csv_response(rows, f"{metric}-{plot.period}-funnel.csv")


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
