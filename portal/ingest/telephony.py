"""Cloud Based Telephony data in General Practice (CBT), practice level.

No published file could be obtained here: this follows the publication's documented layout
(DESIGN.md section 5): long format, one file per region and month,
`Date, PRACTICE_CODE, PCN_CODE, SUB_ICB_LOCATION_CODE, Indicator, <band>, Value`, indicators
CBT001 inbound calls, CBT002 ended in the menu, CBT003 answered (by wait band), CBT004 missed,
CBT005 callback requested, CBT006 callback made, CBT007 answered (by call length). Column
names may carry stray spaces. A practice or indicator without rows has no data, not zero calls.
A file loads in one transaction that replaces its practices' rows for the month.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal import benchmarks
from portal.ingest.base import (
    IngestError,
    Progress,
    check_unique,
    first_bad,
    line_of,
    parse_numbers,
    read_csv,
    require_values,
)
from portal.ingest.monthly import one_period, period_frame, source_part, store_month
from portal.models import TelephonyCount
from portal.models.telephony import INDICATORS

DATASET = "telephony"
COLUMNS = ["DATE", "PRACTICE_CODE", "INDICATOR", "VALUE"]
TOTAL_BANDS = {"", "TOTAL", "ALL", "N/A", "NA"}  # a band cell meaning the indicator's total
_INDICATOR = re.compile(r"\bCBT\s*0*(\d{1,3})\b", re.IGNORECASE)
# metric -> (numerator indicator, denominator indicator or None for a sum metric)
METRICS = {
    "calls_inbound": ("CBT001", None),
    "calls_answered_rate": ("CBT003", "CBT001"),
    "calls_missed": ("CBT004", None),
    "callbacks_requested": ("CBT005", None),
    "callbacks_made": ("CBT006", None),
}


def band_column(columns: list[str]) -> str | None:
    """The breakdown column (wait band, call length...), named differently across releases."""
    for column in columns:
        if column not in COLUMNS and re.search(r"BAND|LENGTH|WAIT|DURATION|BREAKDOWN", column):
            return column
    return None


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    path = Path(path)
    frame = read_csv(path, COLUMNS, dataset="cloud telephony")
    require_values(frame, ["DATE", "PRACTICE_CODE", "INDICATOR"], path)
    period = one_period(frame["DATE"], path, "DATE")
    band = band_column(list(frame.columns))
    bands = frame[band].str.split().str.join(" ") if band else pd.Series("", index=frame.index)
    facts = pd.DataFrame(
        {
            "practice_code": frame["PRACTICE_CODE"].str.strip(),
            "period": period,
            "indicator": _indicators(frame["INDICATOR"], path),
            "band": bands.where(~bands.str.upper().isin(TOTAL_BANDS), ""),
            "calls": parse_numbers(frame, "VALUE", path),
        }
    )
    check_unique(facts, ["practice_code", "indicator", "band"], path)
    if progress:
        progress(
            f"{len(facts):,} telephony counts for {facts['practice_code'].nunique():,} "
            f"practices, {period}"
        )
    return store_month(
        TelephonyCount.__table__,
        period,
        facts,
        recompute_metrics,
        dataset=DATASET,
        part=source_part(path, "practice"),
        path=path,
        rows_read=len(frame),
        synthetic=synthetic,
    )


def _indicators(column: pd.Series, path: Path) -> pd.Series:
    """'CBT001', 'CBT001 - Inbound calls', 'cbt 1' -> 'CBT001'; anything else is an error."""
    codes = column.str.extract(_INDICATOR, expand=False)
    codes = ("CBT" + codes.str.zfill(3)).where(codes.notna())
    bad = codes.isna() | ~codes.isin(INDICATORS)
    position = first_bad(bad)
    if position is not None:
        raise IngestError(
            path,
            f"{column.iloc[position].strip()!r} is not a Cloud Based Telephony indicator "
            f"({', '.join(INDICATORS)})",
            line=line_of(position),
            column="INDICATOR",
        )
    return codes


def indicator_totals(conn: Connection, period: str) -> pd.DataFrame:
    """Each practice's total per indicator for the month: the total row where published,
    else the sum of its bands; missing when a band needed for the sum is suppressed."""
    t = TelephonyCount.__table__
    is_total = t.c.band == ""
    query = (
        sa.select(
            t.c.practice_code,
            t.c.indicator,
            sa.func.sum(sa.case((is_total, 1), else_=0)).label("total_rows"),
            sa.func.sum(sa.case((is_total, t.c.calls), else_=None)).label("total"),
            sa.func.sum(sa.case((is_total, None), else_=t.c.calls)).label("bands"),
            sa.func.sum(sa.case((sa.and_(~is_total, t.c.calls.is_(None)), 1), else_=0)).label(
                "suppressed"
            ),
        )
        .where(t.c.period == period)
        .group_by(t.c.practice_code, t.c.indicator)
    )
    rows = period_frame(conn, query)
    from_bands = rows["bands"].where(rows["suppressed"] == 0)
    rows["calls"] = rows["total"].where(rows["total_rows"] > 0, from_bands)
    return rows.pivot(index="practice_code", columns="indicator", values="calls").reindex(
        columns=list(INDICATORS)
    )


def recompute_metrics(conn: Connection, period: str) -> None:
    """The telephony metrics for the month, from all practices' stored counts."""
    totals = indicator_totals(conn, period)
    practices = pd.DataFrame({"practice_code": totals.index})
    hierarchy = benchmarks.practice_hierarchy(conn)
    for metric, (numerator, denominator) in METRICS.items():
        if denominator is None:
            values = practices.assign(value=totals[numerator].to_numpy())
        else:
            values = practices.assign(
                numerator=totals[numerator].to_numpy(), denominator=totals[denominator].to_numpy()
            )
        benchmarks.recompute(conn, metric, period, values, hierarchy=hierarchy)
