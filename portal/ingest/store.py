"""Storing a period: the one load transaction every dataset goes through (store_period).

A load replaces stored facts, recomputes the metrics they feed and records its provenance in one
transaction, so that a failure anywhere leaves the previous load intact. What a load replaces
follows its publication: an annual or national file replaces the whole period; a regional file
(GPAD, online consultations, telephony) replaces only the practices (or regions) it holds, so a
republished edition of one region never deletes another's figures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.extensions import db
from portal.ingest import benchmarks
from portal.ingest.base import LoadResult, bulk_insert, record_load

DELETE_CHUNK = 500  # codes per DELETE ... IN (...): well inside every database's bound limit


@dataclass
class Facts:
    """Rows to store for a period and the stored rows they replace: all the period's, or (with
    `key`) those whose `key` column holds one of `keys` (default: the rows' own), narrowed by
    `where` (e.g. telephony's file kind)."""

    table: sa.Table
    rows: pd.DataFrame
    key: str | None = None
    keys: Iterable[str] | None = None
    where: tuple = field(default_factory=tuple)

    def replace(self, conn: Connection, period: str) -> None:
        t = self.table
        scope = [t.c.period == period, *self.where]
        if self.key is None:
            conn.execute(t.delete().where(*scope))
        else:
            codes = sorted(set(self.rows[self.key] if self.keys is None else self.keys))
            for start in range(0, len(codes), DELETE_CHUNK):
                chunk = codes[start : start + DELETE_CHUNK]
                conn.execute(t.delete().where(*scope, t.c[self.key].in_(chunk)))
        bulk_insert(conn, t, self.rows)


@dataclass
class Load:
    """A file's provenance row (record_load): what it is, how much it held and stored."""

    dataset: str
    path: str | Path
    rows_read: int
    rows_loaded: int
    synthetic: bool
    part: str = ""
    digest: str | None = None  # the file's sha256 when the loader computed it alongside its read


def store_period(
    period: str,
    facts: Iterable[Facts] = (),
    *,
    loads: Iterable[Load],
    metrics: Iterable[tuple[str, pd.DataFrame]] = (),
    recompute: Callable[[Connection], None] | None = None,
    conn: Connection | None = None,
) -> list[LoadResult]:
    """One transaction: each of `facts` replaces its stored rows for the period; `metrics`
    (metric id, values frame for benchmarks.recompute) are recomputed, then `recompute` (metrics
    computed from every practice's stored facts); each of `loads` is recorded with the
    download's source URL and sha256 (record_load). `conn`: the caller's transaction, where
    one file holds several periods."""
    with db.engine.begin() if conn is None else nullcontext(conn) as conn:
        for fact in facts:
            fact.replace(conn, period)
        metrics = list(metrics)
        hierarchy = benchmarks.practice_hierarchy(conn) if metrics else None
        for metric_id, values in metrics:
            benchmarks.recompute(conn, metric_id, period, values, hierarchy)
        if recompute is not None:
            recompute(conn)
        return [record_load(conn, period=period, **vars(load)) for load in loads]


def period_frame(conn: Connection, query: sa.Select) -> pd.DataFrame:
    """A query's rows as a frame with its column names (stored facts read back to recompute)."""
    rows = [tuple(row) for row in conn.execute(query)]
    return pd.DataFrame.from_records(rows, columns=list(query.selected_columns.keys()))
