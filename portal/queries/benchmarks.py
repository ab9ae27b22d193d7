"""A practice's metric beside its PCN, sub-ICB, ICB, region and England, and the national spread."""

from __future__ import annotations

import json
import statistics

import sqlalchemy as sa

from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import GroupMetric, Icb, MetricDistribution, Pcn, PracticeMetric, Region, SubIcb
from portal.models.organisations import ENGLAND, LEVELS
from portal.queries import peers
from portal.queries.coverage import metric_coverage
from portal.queries.datasets import provenance
from portal.queries.latest import latest_period
from portal.queries.latest import latest_periods as latest_periods  # the tools' import
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
from portal.statistics import small_numbers

LEVEL_MODELS = {"pcn": Pcn, "sub_icb": SubIcb, "icb": Icb, "region": Region}
# what a Benchmark reads of a practice_metric row
PRACTICE_COLUMNS = tuple(
    PracticeMetric.__table__.c[name]
    for name in ("value", "numerator", "denominator", "percentile", "in_distribution")
)


def make_figure(
    metric: Metric, value: float | None, period: str, origin: Provenance | None = None
) -> Figure:
    """The one place a stored value becomes a figure with its label, period, source and coverage.

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
        coverage=metric_coverage(metric.id, period),
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
    similar = peer_value(metric, period, practice_code)
    groups = [similar, *groups] if similar is not None else groups
    judged = judge(metric, practice_code, period, row.numerator if row is not None else None,
                   row.denominator if row is not None else None, groups)  # fmt: skip
    reason = not_ranked(metric, row)
    return Benchmark(
        figure=make_figure(metric, value, period, origin),
        percentile=row.percentile if reason is None else None,
        in_distribution=bool(row.in_distribution) if row is not None else False,
        distribution=distribution,
        groups=groups,
        intervals=judged.intervals,
        significance=judged.significance,
        not_compared=judged.not_compared,
        not_ranked=reason,
    )


OUTSIDE = (
    "not ranked: outside the national distribution for this period (closed, or no valid "
    "denominator)"
)


def not_ranked(metric: Metric, row) -> str | None:
    """Why a practice_metric row (value, numerator, denominator, in_distribution) has no national
    percentile, in words fit to show wherever the percentile would be; None when it has one."""
    if row is None or row.value is None or not row.in_distribution:
        return OUTSIDE
    return small_numbers.reason(metric, row.numerator, row.denominator)


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


def value_over(metric: Metric, period: str, codes, level: str, code: str, name: str) -> GroupValue:
    """The metric over a set of practices (a list of codes, or a select of them) in `period`, as
    the load-time writer makes every group's: a practice counts only where its value is valid
    (for a ratio, a numerator and a positive denominator), then the sum of numerators over the
    sum of denominators (or the sum), with their count, mean and median."""
    m = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(m.c.value, m.c.numerator, m.c.denominator).where(
            m.c.metric == metric.id, m.c.period == period, m.c.practice_code.in_(codes)
        )
    ).all()
    ratio = metric.aggregation != "sum"
    valid = [r for r in rows if r.value is not None
             and (not ratio or (r.numerator is not None and (r.denominator or 0) > 0))]  # fmt: skip
    values = [r.value for r in valid]
    if ratio:
        denominator = sum(r.denominator for r in valid)
        value = sum(r.numerator for r in valid) / denominator * metric.scale if valid else None
    else:
        value = sum(values) if values else None
    return GroupValue(
        level=level,
        code=code,
        name=name,
        value=value,
        display=format_value(metric, value),
        practices=len(valid),
        mean_per_practice=statistics.fmean(values) if values else None,
        median=statistics.median(values) if values else None,
    )


def peer_value(metric: Metric, period: str, practice_code: str) -> GroupValue | None:
    """The metric over the practice's similar practices in `period`; None when none of them has
    a valid figure (or it has no peer group)."""
    found = value_over(metric, period, peers.peer_codes(practice_code), peers.LEVEL,
                       practice_code, peers.NAME)  # fmt: skip
    return found if found.practices else None


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
