"""A metric across England: the distribution, median and quartiles, highest and lowest practices."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import Practice, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.benchmarks import group_values, make_figure, national_distribution
from portal.queries.types import Distribution, Figure, GroupValue


@dataclass(frozen=True)
class RankedPractice:
    code: str
    name: str
    value: float
    display: str
    percentile: float | None


@dataclass(frozen=True)
class NationalView:
    metric: Metric
    period: str
    periods: list[str]  # every period with a distribution, newest first
    figure: Figure  # England's value, with the period and source
    england: GroupValue | None
    distribution: Distribution | None
    highest: list[RankedPractice]
    lowest: list[RankedPractice]


def metric_periods(metric_id: str) -> list[str]:
    t = PracticeMetric.__table__
    return list(
        db.session.execute(
            sa.select(t.c.period)
            .where(t.c.metric == metric_id)
            .group_by(t.c.period)
            .order_by(t.c.period.desc())
        ).scalars()
    )


def national_view(metric_id: str, period: str | None = None, n: int = 10) -> NationalView | None:
    """None when the metric is unknown or has no data (in that period)."""
    metric = METRICS.get(metric_id)
    if metric is None:
        return None
    periods = metric_periods(metric_id)
    period = period or (periods[0] if periods else None)
    if period not in periods:
        return None
    groups = group_values(metric, period, {"england": ENGLAND})
    england = groups[0] if groups else None
    return NationalView(
        metric=metric,
        period=period,
        periods=periods,
        figure=make_figure(metric, england.value if england else None, period),
        england=england,
        distribution=national_distribution(metric_id, period),
        highest=_ranked(metric, period, n, descending=True),
        lowest=_ranked(metric, period, n, descending=False),
    )


def _ranked(metric: Metric, period: str, n: int, descending: bool) -> list[RankedPractice]:
    t, p = PracticeMetric.__table__, Practice.__table__
    order = t.c.value.desc() if descending else t.c.value.asc()
    rows = db.session.execute(
        sa.select(t.c.practice_code, p.c.name, t.c.value, t.c.percentile)
        .join(p, p.c.code == t.c.practice_code)
        .where(
            t.c.metric == metric.id,
            t.c.period == period,
            t.c.percentile.is_not(None),  # ranked: open, in England, enough events
        )
        .order_by(order, t.c.practice_code)
        .limit(n)
    ).all()
    return [
        RankedPractice(code, name, value, format_value(metric, value), pct)
        for code, name, value, pct in rows
    ]
