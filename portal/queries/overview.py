"""A practice's headline figures in four lookups: each metric in its latest national period,
the practice's value and percentile, and England's two values (every practice combined, and
the median practice), with provenance.

The same figures `compare.compare_practices` gives for one practice (tests hold them equal),
read in batches so the one-call overview (MCP get_practice_overview, the API) stays quick.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import GroupMetric, MetricDistribution, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.benchmarks import make_figure
from portal.queries.datasets import provenance_map
from portal.queries.types import Figure


@dataclass(frozen=True)
class Headline:
    metric: str
    label: str
    practice: Figure | None  # None: no value for this practice in the latest period
    england_total: Figure | None  # every practice combined: national sum, or ratio of sums
    england_median_practice: Figure | None  # the median of open practices' own values
    percentile: float | None  # the practice's national percentile rank (0-100)


def headline_figures(practice_code: str, metric_ids: list[str]) -> list[Headline]:
    """For each metric with data: the latest period nationally, the practice and England."""
    metric_ids = [m for m in metric_ids if m in METRICS]
    d, g = MetricDistribution.__table__, GroupMetric.__table__
    periods = dict(
        db.session.execute(
            sa.select(d.c.metric, sa.func.max(d.c.period))
            .where(d.c.metric.in_(metric_ids))
            .group_by(d.c.metric)
        ).all()
    )
    if not periods:
        return []
    wanted = set(periods.items())  # (metric, period): filtered here, the index does the rest
    medians = {
        metric: median
        for metric, period, median in db.session.execute(
            sa.select(d.c.metric, d.c.period, d.c.median).where(
                d.c.metric.in_(list(periods)), d.c.period.in_(set(periods.values()))
            )
        ).all()
        if (metric, period) in wanted
    }
    england = {
        metric: value
        for metric, period, value in db.session.execute(
            sa.select(g.c.metric, g.c.period, g.c.value).where(
                g.c.metric.in_(list(periods)),
                g.c.period.in_(set(periods.values())),
                g.c.level == "england",
                g.c.code == ENGLAND,
            )
        ).all()
        if (metric, period) in wanted
    }
    latest = {metric: (period, england.get(metric)) for metric, period in periods.items()}
    p = PracticeMetric.__table__
    rows = [
        (metric, value, percentile)
        for metric, period, value, percentile in db.session.execute(
            sa.select(p.c.metric, p.c.period, p.c.value, p.c.percentile).where(
                p.c.practice_code == practice_code,
                p.c.metric.in_(list(periods)),
                p.c.period.in_(set(periods.values())),
            )
        ).all()
        if (metric, period) in wanted
    ]
    values = {metric: (value, percentile) for metric, value, percentile in rows}
    origins = provenance_map({(METRICS[m].dataset, per) for m, (per, _) in latest.items()})
    result = []
    for metric_id in metric_ids:
        if metric_id not in latest:
            continue
        metric = METRICS[metric_id]
        period, england_value = latest[metric_id]
        origin = origins[(metric.dataset, period)]
        value, percentile = values.get(metric_id, (None, None))
        result.append(
            Headline(
                metric=metric_id,
                label=metric.label,
                practice=make_figure(metric, value, period, origin)
                if metric_id in values
                else None,
                england_total=make_figure(metric, england_value, period, origin),
                england_median_practice=make_figure(metric, medians.get(metric_id), period, origin),
                percentile=percentile,
            )
        )
    return result
