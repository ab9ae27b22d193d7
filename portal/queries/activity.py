"""Pieces shared by the monthly activity areas (appointments, online consultations, telephony):
a practice's months in a fact table with their metric values, source and benchmarks, and
shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import PracticeMetric
from portal.models.organisations import ENGLAND, LEVELS
from portal.queries.areas import group_rows, latest_distributions
from portal.queries.benchmarks import PRACTICE_COLUMNS, assemble, group_value
from portal.queries.datasets import provenance
from portal.queries.practices import PracticeDetails, get_practice
from portal.queries.types import Benchmark, Provenance

MAX_MONTHS = 60


@dataclass(frozen=True)
class Share:
    """One part of a whole: a label, its count and its percentage of the whole."""

    label: str
    count: float | None
    percent: float | None


def shares(parts: list[tuple[str, float | None]]) -> list[Share]:
    """Counts as shares of their sum (missing counts stay missing and add nothing)."""
    whole = sum(c for _, c in parts if c is not None)
    return [
        Share(label, count, (count / whole * 100) if whole and count is not None else None)
        for label, count in parts
    ]


@dataclass(frozen=True)
class PracticeMonths:
    """A practice's months in one activity dataset, what each area's answer is built on."""

    practice: PracticeDetails
    periods: list[str]  # oldest first, ending at the month asked for (or the latest)
    values: dict[str, dict[str, float | None]]  # period -> metric id -> the practice's value
    source: str  # the latest period's publication
    synthetic: bool
    metrics: list[Benchmark]  # one per metric id, for the latest period

    def header(self) -> dict[str, Any]:
        """The fields every activity answer starts with (practice, period, source, metrics)."""
        return {
            "practice_code": self.practice.code,
            "practice_name": self.practice.name,
            "period": self.periods[-1],
            "source": self.source,
            "synthetic": self.synthetic,
            "metrics": self.metrics,
        }


def practice_months(
    code: str | None,
    table: sa.Table,
    dataset: str,
    metric_ids: list[str],
    months: int | None,
    period: str | None,
) -> PracticeMonths | None:
    """The practice's latest `months` periods in the fact table up to `period` (default: its
    latest), with their metric values and the latest period's source and benchmarks; None
    when the practice is unknown, has no rows, or none for `period`."""
    practice = get_practice(code)
    if practice is None:
        return None
    periods = recent_periods(table, practice.code, clamp_months(months), period)
    if not periods or (period and periods[-1] != period):
        return None
    origin = provenance(dataset, periods[-1])
    return PracticeMonths(
        practice=practice,
        periods=periods,
        values=metric_values(practice.code, metric_ids, periods),
        source=origin.source,
        synthetic=origin.synthetic,
        metrics=benchmarks_for(practice, metric_ids, periods[-1]),
    )


def clamp_months(months: int | None, default: int = 12) -> int:
    """A trend length between 1 and MAX_MONTHS."""
    try:
        months = int(months) if months is not None else default
    except (TypeError, ValueError):
        months = default
    return max(1, min(MAX_MONTHS, months))


def recent_periods(
    table: sa.Table, practice_code: str, months: int, up_to: str | None
) -> list[str]:
    """The practice's latest `months` periods in a fact table (up to `up_to`), oldest first: its
    own latest month, as the one rule for "latest" has it (portal/queries/latest.py)."""
    query = sa.select(table.c.period).where(table.c.practice_code == practice_code).distinct()
    if up_to:
        query = query.where(table.c.period <= up_to)
    rows = db.session.execute(query.order_by(table.c.period.desc()).limit(months)).scalars()
    return sorted(rows)


def benchmarks_for(
    practice: PracticeDetails, metric_ids: list[str], period: str
) -> list[Benchmark]:
    """The practice's benchmark (figure with period and source, percentile, distribution,
    PCN/sub-ICB/ICB/region/England values) for each metric in the period, read in a few
    batched lookups (the same rows `practice_benchmark` reads one metric at a time)."""
    t = PracticeMetric.__table__
    rows = {
        r.metric: r
        for r in db.session.execute(
            sa.select(t.c.metric, *PRACTICE_COLUMNS).where(
                t.c.practice_code == practice.code,
                t.c.metric.in_(metric_ids),
                t.c.period == period,
            )
        )
    }
    codes = {o.level: o.code for o in practice.organisations()} | {"england": ENGLAND}
    names = {o.level: o.name for o in practice.organisations()} | {"england": "England"}
    groups = group_rows({m: [period] for m in metric_ids}, codes)
    distributions = latest_distributions(dict.fromkeys(metric_ids, period))
    origins: dict[str, Provenance] = {}
    result = []
    for metric_id in metric_ids:
        metric = METRICS[metric_id]
        if metric.dataset not in origins:
            origins[metric.dataset] = provenance(metric.dataset, period)
        by_level = {g.level: g for g in groups[metric_id].get(period, [])}
        values = [
            group_value(metric, lv, names[lv], by_level[lv]) for lv in LEVELS if lv in by_level
        ]
        result.append(
            assemble(
                metric,
                practice.code,
                period,
                rows.get(metric_id),
                values,
                distributions.get(metric_id),
                origins[metric.dataset],
            )  # fmt: skip
        )
    return result


def metric_values(
    practice_code: str, metric_ids: list[str], periods: list[str]
) -> dict[str, dict[str, float | None]]:
    """period -> metric -> the practice's stored value, in one query."""
    if not periods:
        return {}
    t = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.period, t.c.metric, t.c.value).where(
            t.c.practice_code == practice_code,
            t.c.metric.in_(metric_ids),
            t.c.period.in_(periods),
        )
    ).all()
    values: dict[str, dict[str, float | None]] = {p: dict.fromkeys(metric_ids) for p in periods}
    for period, metric, value in rows:
        values[period][metric] = value
    return values
