"""Stored metric values for many practices or organisations at once, each a full figure.

These read the same precomputed tables as the dashboards and benchmarks (portal/ingest/benchmarks.py
writes them at load time), so every surface shows the same number for the same practice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import GroupMetric, Practice, PracticeMetric
from portal.queries.benchmarks import _organisation_name, make_figure
from portal.queries.datasets import provenance
from portal.queries.organisations import practice_condition
from portal.queries.types import Figure


@dataclass(frozen=True)
class PracticeFigure:
    """One practice's value of one metric in one period, with its national percentile rank."""

    practice_code: str
    practice_name: str
    figure: Figure
    percentile: float | None


@dataclass(frozen=True)
class GroupFigure:
    """A metric for a PCN, sub-ICB location, ICB, region or England (ratio of sums, or sum)."""

    level: str
    code: str
    name: str
    figure: Figure
    practices: int
    mean_per_practice: float | None
    median: float | None


def metrics_of(dataset: str) -> list[str]:
    return [m.id for m in METRICS.values() if m.dataset == dataset]


def practice_figures(
    metric_ids: list[str],
    filters: dict[str, str],
    *,
    practice: str | None = None,
    period: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[PracticeFigure]]:
    """Values of these metrics for practices within `filters` (level -> code); (count, page).

    Ordered by practice, metric and period. Without `period`, every loaded period.
    """
    m, p = PracticeMetric.__table__, Practice.__table__
    condition = sa.and_(m.c.metric.in_(metric_ids), practice_condition(filters))
    if practice:
        condition = sa.and_(condition, m.c.practice_code == practice)
    if period:
        condition = sa.and_(condition, m.c.period == period)
    joined = m.join(p, p.c.code == m.c.practice_code)
    total = db.session.execute(
        sa.select(sa.func.count()).select_from(joined).where(condition)
    ).scalar()
    rows = db.session.execute(
        sa.select(m.c.practice_code, p.c.name, m.c.metric, m.c.period, m.c.value, m.c.percentile)
        .select_from(joined)
        .where(condition)
        .order_by(m.c.practice_code, m.c.metric, m.c.period)
        .offset(offset)
        .limit(limit)
    ).all()
    origin = cache(provenance)
    return total, [
        PracticeFigure(
            code,
            name,
            make_figure(METRICS[metric], value, per, origin(METRICS[metric].dataset, per)),
            percentile,
        )
        for code, name, metric, per, value, percentile in rows
        if metric in METRICS
    ]


def group_figures(
    level: str,
    code: str,
    metric_ids: list[str],
    *,
    period: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> tuple[int, list[GroupFigure]]:
    """An organisation's values of these metrics, by metric and period; (count, page)."""
    g = GroupMetric.__table__
    condition = sa.and_(g.c.level == level, g.c.code == code, g.c.metric.in_(metric_ids))
    if period:
        condition = sa.and_(condition, g.c.period == period)
    total = db.session.execute(sa.select(sa.func.count()).select_from(g).where(condition)).scalar()
    rows = db.session.execute(
        sa.select(g).where(condition).order_by(g.c.metric, g.c.period).offset(offset).limit(limit)
    ).all()
    origin = cache(provenance)
    name = _organisation_name(level, code)
    figures = []
    for row in rows:
        r = row._mapping
        metric = METRICS.get(r["metric"])
        if metric is None:
            continue
        figure = make_figure(metric, r["value"], r["period"], origin(metric.dataset, r["period"]))
        figures.append(
            GroupFigure(
                level, code, name, figure, r["practices"], r["mean_per_practice"], r["median"]
            )
        )
    return total, figures
