"""dataset_coverage: practices included of open practices per dataset and month, from each
publication's own coverage table (GPAD's coverage file, telephony's summary workbook). A later
edition restates earlier months, so each load replaces the months it lists."""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from portal.ingest.base import bulk_insert
from portal.models import DatasetCoverage


def replace_coverage(conn: Connection, dataset: str, frame: pd.DataFrame, source_file: str):
    """Store `frame` (period, practices_included, practices_open) for `dataset`."""
    table = DatasetCoverage.__table__
    listed = table.c.period.in_(list(frame["period"]))
    conn.execute(table.delete().where(table.c.dataset == dataset, listed))
    bulk_insert(conn, table, frame.assign(dataset=dataset, source_file=source_file))


def summary(label: str, frame: pd.DataFrame) -> str:
    """What a load stored, for its progress line."""
    latest = frame.loc[frame["period"].idxmax()]
    return (
        f"{label} coverage for {len(frame)} months: {latest['practices_included']:,} of "
        f"{latest['practices_open']:,} practices in {latest['period']}"
    )
