"""A practice's metric beside its PCN, sub-ICB, ICB, region and England, and the national spread."""

from __future__ import annotations

import json

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import GroupMetric, Icb, MetricDistribution, Pcn, PracticeMetric, Region, SubIcb
from portal.models.organisations import ENGLAND, LEVELS
from portal.queries.datasets import provenance
from portal.queries.peers import peer_value
from portal.queries.practices import PracticeDetails
from portal.queries.significance import judge
from portal.queries.types import (
    Benchmark,
    Distribution,
    Figure,
    GroupValue,
    Provenance,
    TrendPoint,
)

LEVEL_MODELS = {"pcn": Pcn, "sub_icb": SubIcb, "icb": Icb, "region": Region}
# what a Benchmark reads of a practice_metric row
PRACTICE_COLUMNS = tuple(
    PracticeMetric.__table__.c[name]
    for name in ("value", "numerator", "denominator", "percentile", "in_distribution")
)


def latest_period(metric_id: str, practice_code: str | None = None) -> str | None:
    """The newest period with a value of this metric (for this practice, if given)."""
    t = PracticeMetric.__table__
    query = sa.select(sa.func.max(t.c.period)).where(t.c.metric == metric_id)
    if practice_code:
        query = query.where(t.c.practice_code == practice_code)
    return db.session.execute(query).scalar()


def latest_periods() -> dict[str, str]:
    """The newest period with a value, per metric, in one query: each metric's true latest."""
    t = PracticeMetric.__table__
    return dict(
        db.session.execute(
            sa.select(t.c.metric, sa.func.max(t.c.period)).group_by(t.c.metric)
        ).all()
    )


def make_figure(
    metric: Metric, value: float | None, period: str, origin: Provenance | None = None
) -> Figure:
    """The one place a stored value becomes a figure with its label, period and source.

    Callers building many figures may pass the dataset-period's provenance they looked up once.
    """
    origin = origin or provenance(metric.dataset, period)
    return Figure(
        metric=metric.id,
        label=metric.label,
        unit=metric.unit,
        value=value,
        display=format_value(metric, value),
        period=period,
        source=origin.source,
        synthetic=origin.synthetic,
    )


def practice_figure(practice_code: str, metric_id: str, period: str | None = None) -> Figure | None:
    """One practice's value of a metric in a period (default: its latest)."""
    metric = METRICS[metric_id]
    period = period or latest_period(metric_id, practice_code)
    if period is None:
        return None
    t = PracticeMetric.__table__
    value = db.session.execute(
        sa.select(t.c.value).where(
            t.c.metric == metric_id, t.c.period == period, t.c.practice_code == practice_code
        )
    ).scalar()
    return make_figure(metric, value, period)


def practice_trend(practice_code: str, metric_id: str, months: int = 24) -> list[TrendPoint]:
    """The practice's values over its latest `months` periods, oldest first."""
    t = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.period, t.c.value)
        .where(t.c.metric == metric_id, t.c.practice_code == practice_code)
        .order_by(t.c.period.desc())
        .limit(months)
    ).all()
    return [TrendPoint(period, value) for period, value in reversed(rows)]


def assemble(
    metric: Metric,
    practice_code: str,
    period: str,
    row,
    groups: list[GroupValue],
    distribution: Distribution | None,
    origin: Provenance | None = None,
) -> Benchmark:
    """The one place a practice_metric row (or None) becomes a Benchmark: the figure, its
    percentile and national spread, its groups and its peer group (similar practices), its
    intervals and significance against each."""
    value = row.value if row is not None else None
    peers = peer_value(metric, period, practice_code)
    groups = [peers, *groups] if peers is not None else groups
    judged = judge(metric, practice_code, period, row.numerator if row is not None else None,
                   row.denominator if row is not None else None, groups)  # fmt: skip
    return Benchmark(
        figure=make_figure(metric, value, period, origin),
        percentile=row.percentile if row is not None else None,
        in_distribution=bool(row.in_distribution) if row is not None else False,
        distribution=distribution,
        groups=groups,
        intervals=judged.intervals,
        significance=judged.significance,
        not_compared=judged.not_compared,
    )


def practice_benchmark(
    practice: PracticeDetails, metric_id: str, period: str | None = None
) -> Benchmark | None:
    """The practice's figure, percentile rank, national distribution and its groups' values."""
    metric = METRICS[metric_id]
    period = period or latest_period(metric_id, practice.code)
    if period is None:
        return None
    t = PracticeMetric.__table__
    row = db.session.execute(
        sa.select(*PRACTICE_COLUMNS).where(
            t.c.metric == metric_id, t.c.period == period, t.c.practice_code == practice.code
        )
    ).first()
    codes = {o.level: o.code for o in practice.organisations()} | {"england": ENGLAND}
    return assemble(
        metric, practice.code, period, row, group_values(metric, period, codes),
        national_distribution(metric_id, period),
    )  # fmt: skip


def benchmark_or_national(practice: PracticeDetails, metric_id: str) -> Benchmark | None:
    """The practice's latest benchmark; for a practice with no figure of the metric, the metric's
    latest period without a practice value, so the national distribution still answers."""
    found = practice_benchmark(practice, metric_id)
    if found is not None:
        return found
    period = latest_period(metric_id)
    return practice_benchmark(practice, metric_id, period) if period else None


def national_distribution(metric_id: str, period: str) -> Distribution | None:
    t = MetricDistribution.__table__
    row = db.session.execute(
        sa.select(t).where(t.c.metric == metric_id, t.c.period == period)
    ).first()
    if row is None:
        return None
    return distribution_from_row(row)


def distribution_from_row(row) -> Distribution:
    """A metric_distribution row as a Distribution (its deciles are stored as JSON)."""
    m = row._mapping
    return Distribution(
        n=m["n"],
        excluded=m["excluded"],
        median=m["median"],
        q1=m["q1"],
        q3=m["q3"],
        deciles=json.loads(m["deciles"]),
        minimum=m["minimum"],
        maximum=m["maximum"],
    )


def group_values(metric: Metric, period: str, codes: dict[str, str]) -> list[GroupValue]:
    """The metric for each named organisation (level -> code), in hierarchy order."""
    t = GroupMetric.__table__
    rows = db.session.execute(
        sa.select(t).where(
            t.c.metric == metric.id,
            t.c.period == period,
            sa.or_(*(sa.and_(t.c.level == lvl, t.c.code == code) for lvl, code in codes.items())),
        )
    ).all()
    by_level = {r.level: r for r in rows}
    return [
        group_value(metric, level, _organisation_name(level, by_level[level].code), by_level[level])
        for level in LEVELS
        if level in by_level
    ]


def group_value(metric: Metric, level: str, name: str, row) -> GroupValue:
    """A group_metric row as the group's value beside a practice's."""
    return GroupValue(
        level=level,
        code=row.code,
        name=name,
        value=row.value,
        display=format_value(metric, row.value),
        practices=row.practices,
        mean_per_practice=row.mean_per_practice,
        median=row.median,
    )


def _organisation_name(level: str, code: str) -> str:
    if level == "england":
        return "England"
    model = LEVEL_MODELS[level]
    return (
        db.session.execute(
            sa.select(model.__table__.c.name).where(model.__table__.c.code == code)
        ).scalar()
        or code
    )
