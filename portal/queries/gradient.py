"""The inequality gradient: a metric across England's practices grouped into tenths by the
deprivation of their patients (decile 1 least deprived), each tenth's value made the way every
group's is (ratio of sums for rates and shares, the median practice for counts)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import PracticeMetric
from portal.queries.benchmarks import latest_period, national_distribution

DEPRIVATION = "deprivation_score"


@dataclass(frozen=True)
class DecileValue:
    decile: int  # 1 least deprived ... 10 most deprived
    practices: int
    value: float | None
    display: str


@dataclass(frozen=True)
class Gradient:
    metric: Metric
    period: str
    deprivation_period: str  # the IMD year the deciles come from
    deciles: list[DecileValue]
    measure: str  # what each decile's value is: "all practices combined" or "median practice"


def inequality_gradient(metric_id: str, period: str) -> Gradient | None:
    """None without deprivation scores (or for the deprivation score itself)."""
    metric = METRICS.get(metric_id)
    imd = latest_period(DEPRIVATION)
    if metric is None or metric_id == DEPRIVATION or imd is None:
        return None
    cuts = national_distribution(DEPRIVATION, imd).deciles
    m = PracticeMetric.__table__
    scores = dict(
        db.session.execute(
            sa.select(m.c.practice_code, m.c.value).where(
                m.c.metric == DEPRIVATION, m.c.period == imd
            )  # fmt: skip
        ).all()
    )
    rows = db.session.execute(
        sa.select(m.c.practice_code, m.c.value, m.c.numerator, m.c.denominator).where(
            m.c.metric == metric_id, m.c.period == period, m.c.in_distribution == 1
        )
    ).all()
    tenths: dict[int, list] = {d: [] for d in range(1, 11)}
    for row in rows:
        score = scores.get(row.practice_code)
        if score is not None and row.value is not None:
            tenths[1 + sum(cut < score for cut in cuts)].append(row)
    deciles = [DecileValue(d, len(members), value := _value(metric, members),
                           format_value(metric, value)) for d, members in tenths.items()]  # fmt: skip
    measure = "median practice" if metric.aggregation == "sum" else "all practices combined"
    return Gradient(metric, period, imd, deciles, measure)


def _value(metric: Metric, members: list) -> float | None:
    if not members:
        return None
    if metric.aggregation == "sum":
        return statistics.median(r.value for r in members)
    denominator = sum(r.denominator or 0 for r in members)
    numerator = sum(r.numerator or 0 for r in members)
    return numerator / denominator * metric.scale if denominator else None
