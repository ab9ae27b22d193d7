"""The one rule for "latest", which every page, the API and MCP follow:

A metric's latest period is the newest period for which its benchmarks (national distribution,
group values, percentile ranks) are loaded. A load writes them with the practice values
(portal/ingest/benchmarks.py), so it is also the newest period in which any practice has a row.
For one practice it is that practice's own newest loaded period of the metric, so a practice
missing from the newest file (closed, merged, not yet submitted) still shows its last figure,
labelled with its own period; where the practice has none, a caller that still shows England
uses the metric's latest. For a set of practices (a saved group) it is the newest period any of
them has; an organisation's is its own newest group value (portal/queries/groups.py). Activity
breakdowns and QOF registers, read from the facts behind the metrics, take the practice's own
newest month or year of those facts, loaded in the same transaction.
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import MetricDistribution, PracticeMetric


def latest_periods(metric_ids: list[str] | None = None) -> dict[str, str]:
    """metric -> its latest period (every metric with benchmarks, or those asked for)."""
    d = MetricDistribution.__table__
    query = sa.select(d.c.metric, sa.func.max(d.c.period)).group_by(d.c.metric)
    if metric_ids is not None:
        query = query.where(d.c.metric.in_(metric_ids))
    return dict(db.session.execute(query).all())


def latest_period(metric_id: str, practice_code: str | None = None) -> str | None:
    """The metric's latest period, or with a practice the practice's own latest (None: none)."""
    if practice_code:
        return practice_latest_periods(practice_code, [metric_id]).get(metric_id)
    return latest_periods([metric_id]).get(metric_id)


def practice_latest_periods(practice_code: str, metric_ids: list[str]) -> dict[str, str]:
    """metric -> the practice's own latest period of it, for the metrics it has any of."""
    return practices_latest_periods([practice_code], metric_ids)


def practices_latest_periods(codes: list[str], metric_ids: list[str]) -> dict[str, str]:
    """metric -> the newest period any of these practices has of it (a saved group's latest)."""
    if not codes or not metric_ids:
        return {}
    t = PracticeMetric.__table__
    return dict(
        db.session.execute(
            sa.select(t.c.metric, sa.func.max(t.c.period))
            .where(t.c.practice_code.in_(codes), t.c.metric.in_(metric_ids))
            .group_by(t.c.metric)
        ).all()
    )
