"""A metric's funnel plot across England: every open practice by its denominator, the England
value, 95% and 99.8% control limits (portal/statistics/funnel.py), and the practices outside
them. Only metrics with a numerator and denominator (a proportion or a rate) have one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import GroupMetric, Practice, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.datasets import provenance
from portal.statistics import funnel

CURVE_POINTS = 60  # denominators at which the limit curves are drawn


@dataclass(frozen=True)
class FunnelPractice:
    code: str
    name: str
    denominator: float
    value: float
    display: str
    band: str  # within | above 95% | above 99.8% | below 95% | below 99.8%


@dataclass(frozen=True)
class LimitPoint:
    denominator: float
    lower_95: float
    upper_95: float
    lower_99_8: float
    upper_99_8: float


@dataclass(frozen=True)
class Funnel:
    metric: Metric
    period: str
    england: float
    england_display: str
    overdispersion: float  # φ; 1 when the limits are not widened
    widened: bool
    practices: list[FunnelPractice]
    curve: list[LimitPoint]
    source: str
    synthetic: bool

    @property
    def outliers(self) -> list[FunnelPractice]:
        """Practices beyond the 99.8% limits, furthest first."""
        out = [p for p in self.practices if "99.8" in p.band]
        return sorted(out, key=lambda p: abs(p.value - self.england), reverse=True)


def funnel_view(metric_id: str, period: str, widen: bool = False) -> Funnel | None:
    """None when the metric has no funnel (no denominator) or no England value that period."""
    metric = METRICS.get(metric_id)
    if metric is None or metric.interval not in ("wilson", "byar"):
        return None
    g = GroupMetric.__table__
    england = db.session.execute(
        sa.select(g.c.value).where(
            g.c.metric == metric_id,
            g.c.period == period,
            g.c.level == "england",
            g.c.code == ENGLAND,
        )  # fmt: skip
    ).scalar()
    if england is None:
        return None
    m, p = PracticeMetric.__table__, Practice.__table__
    rows = db.session.execute(
        sa.select(m.c.practice_code, p.c.name, m.c.denominator, m.c.value)
        .join(p, p.c.code == m.c.practice_code)
        .where(m.c.metric == metric_id, m.c.period == period, m.c.in_distribution == 1,
               m.c.denominator > 0, m.c.value.is_not(None))
        .order_by(m.c.practice_code)
    ).all()  # fmt: skip
    limits_at = limits_for(metric, england)
    phi = 1.0
    if widen:
        phi = funnel.overdispersion(
            [
                funnel.z_score(r.value, england, r.denominator, metric.interval, metric.scale)
                for r in rows
            ]  # fmt: skip
        )
    denominators = np.array([r.denominator for r in rows], dtype=float)
    bounds = {lv: funnel.widened(limits_at(denominators, lv), england, phi)
              for lv in funnel.LEVELS}  # fmt: skip
    practices = [
        FunnelPractice(r.practice_code, r.name, r.denominator, r.value,
                       format_value(metric, r.value), band(r.value, bounds, i))
        for i, r in enumerate(rows)
    ]  # fmt: skip
    origin = provenance(metric.dataset, period)
    return Funnel(
        metric, period, england, format_value(metric, england), phi, widen, practices,
        _curve(limits_at, england, phi, denominators),
        origin.source, origin.synthetic,
    )  # fmt: skip


def limits_for(metric: Metric, england: float):
    """The control limits around England as a function of (denominators, level): exact binomial
    for a proportion, exact Poisson for a rate; shared so every funnel band is drawn alike."""

    def at(n: np.ndarray, level: float) -> funnel.Limits:
        if metric.interval == "wilson":
            return funnel.proportion_limits(england, n, level, metric.scale)
        return funnel.rate_limits(england, n, level, metric.scale)

    return at


def band(value: float, bounds: dict[float, funnel.Limits], i: int) -> str:
    """Where the i-th practice's value falls against its limits (level -> Limits, one per
    practice), the 99.8% limits first, so the national plot and the members table agree."""
    for level, name in ((0.998, "99.8%"), (0.95, "95%")):
        if value > bounds[level].upper[i]:
            return f"above {name}"
        if value < bounds[level].lower[i]:
            return f"below {name}"
    return "within"


def _curve(limits_at, england: float, phi: float, denominators: np.ndarray) -> list[LimitPoint]:
    """The limits at evenly spaced denominators (on a log scale) across the practices'."""
    if not len(denominators):
        return []
    low, high = max(1.0, float(denominators.min())), float(denominators.max())
    steps = np.geomspace(low, high, CURVE_POINTS)
    a = funnel.widened(limits_at(steps, 0.95), england, phi)
    b = funnel.widened(limits_at(steps, 0.998), england, phi)
    return [LimitPoint(float(n), float(a.lower[i]), float(a.upper[i]), float(b.lower[i]),
                       float(b.upper[i])) for i, n in enumerate(steps)]  # fmt: skip
