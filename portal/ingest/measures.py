"""Measures as data: a metric's values made from the facts columns its catalogue entry names
(Metric.numerator, Metric.denominator), so one function serves every dataset that declares them
and a new ratio of stored facts is a catalogue entry, not code."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy.engine import Connection

from portal.catalogue import METRICS
from portal.ingest import benchmarks


def metric_values(
    metric_id: str, facts: pd.DataFrame, keys: Sequence[str] = ("practice_code",)
) -> pd.DataFrame:
    """The frame benchmarks.recompute takes for a metric: `keys` with value (a sum metric) or
    numerator and denominator, taken from the `facts` columns the catalogue names."""
    metric = METRICS[metric_id]
    frame = facts[list(keys)].reset_index(drop=True)
    numerator = facts[metric.numerator].reset_index(drop=True)
    if metric.aggregation == "sum":
        return frame.assign(value=numerator)
    return frame.assign(
        numerator=numerator, denominator=facts[metric.denominator].reset_index(drop=True)
    )


def recompute(
    conn: Connection,
    period: str,
    facts: pd.DataFrame,
    metric_ids: Iterable[str],
    *,
    hierarchy: pd.DataFrame | None = None,
    shared: pd.DataFrame | None = None,
    shared_keys: Sequence[str] = (),
) -> None:
    """Each metric's benchmarks for the period from every practice's facts (one row each);
    `shared`: figures counted at group levels only, keyed by `shared_keys` (benchmarks.recompute).
    `hierarchy`: benchmarks.practice_hierarchy, where the caller has read it already."""
    if hierarchy is None:
        hierarchy = benchmarks.practice_hierarchy(conn)
    for metric_id in metric_ids:
        benchmarks.recompute(
            conn,
            metric_id,
            period,
            metric_values(metric_id, facts),
            hierarchy=hierarchy,
            shared=None if shared is None else metric_values(metric_id, shared, shared_keys),
        )
