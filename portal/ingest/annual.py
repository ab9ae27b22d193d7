"""What the annual and snapshot ingesters (workforce, GPPS, QOF, payments) share: picking a
column among a publication's historical names, and the one transaction that replaces a period's
facts, recomputes its metrics' benchmarks and records the load."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import benchmarks
from portal.ingest.base import (
    IngestError,
    LoadResult,
    bulk_insert,
    check_unique,
    record_load,
    require_values,
)


def pick_column(frame: pd.DataFrame, names: Iterable[str], path: str | Path, dataset: str) -> str:
    """The first of a column's known names (normalised headers) the file has; else a named error."""
    names = list(names)
    for name in names:
        if name in frame.columns:
            return name
    raise IngestError(
        path,
        f"missing column {names[0]} (or {', '.join(names[1:])}); is this a {dataset} file?"
        if len(names) > 1
        else f"missing column {names[0]}; is this a {dataset} file?",
        line=1,
        column=names[0],
    )


def practice_codes(frame: pd.DataFrame, column: str, path: str | Path) -> pd.Series:
    """The practice code column, present on every row and never repeated."""
    require_values(frame, [column], path)
    codes = frame[column].str.strip().str.upper()
    check_unique(pd.DataFrame({column: codes}), [column], path)
    return codes


def replace_period(
    path: str | Path,
    *,
    dataset: str,
    period: str,
    part: str = "",
    facts: list[tuple[sa.Table, pd.DataFrame]],
    metrics: Iterable[tuple[str, pd.DataFrame]] = (),
    rows_read: int,
    synthetic: bool,
) -> LoadResult:
    """One transaction: the period's rows in each table replaced, benchmarks recomputed, load
    recorded. Any error rolls all of it back, leaving the previous load intact. The first
    table's rows are the ones counted as loaded."""
    with db.engine.begin() as conn:
        for table, frame in facts:
            conn.execute(table.delete().where(table.c.period == period))
            bulk_insert(conn, table, frame)
        metrics = list(metrics)
        hierarchy = benchmarks.practice_hierarchy(conn) if metrics else None
        for metric_id, values in metrics:
            benchmarks.recompute(conn, metric_id, period, values, hierarchy)
        return record_load(
            conn,
            dataset=dataset,
            period=period,
            part=part,
            path=path,
            rows_read=rows_read,
            rows_loaded=len(facts[0][1]) if facts else 0,
            synthetic=synthetic,
        )
