"""Cloud Based Telephony data in General Practice (CBT), practice level, as published.

A month comes as zips of CSVs, one per region plus `Unmapped`, in three kinds told apart by
their columns (all `Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,
Indicator,…,Value`, one row per day, `Value` written as `344.0`, bands with no calls omitted):
- "By Durations" (`Duration`): `TOTAL` for CBT001/002/005/006, wait bands in seconds (`0`,
  `1_30`, … `>300`) for CBT003 answered and CBT004 missed, call-length bands for CBT007.
- "By Day and Time" (`Time_Category`): every indicator by time of day (`08:00-09:59` …).
- "Calls Answered Metric" (`Wait_Time`, `Core_Category`), from June 2026: CBT003 by wait band
  within and outside core hours (`Core_8_10`, `Core_10_1830`, `Non-Core`).
Days are summed into the month. Each fact has one source, so nothing counts twice: By
Durations gives every total and the wait and call-length bands (TelephonyCount); By Day and
Time gives only the time-of-day bands and Calls Answered only the core-hours split
(TelephonyBreakdown). Only where a practice (or shared account) has no By Durations rows in
the month do its totals come from By Day and Time, else from Calls Answered (CBT003 alone).
Within a file kind an indicator without rows is zero calls (the files omit zero bands); a
practice without rows has no data. `PRACTICE_CODE = Unassigned` rows are calls to phone
accounts shared by several practices: stored by their geography codes (TelephonySharedCount)
and added to every group level (PCN, sub-ICB, ICB, region, England) whose code they fill and
the portal knows (`Unmapped` fills none but England), never to a practice.
The files of one load (a zip, a folder, a CSV) that hold the same month store in one
transaction that replaces, per file kind, the practices and regions in them, then recomputes
the month's metrics once. The Publication Summary workbook's Table 1 gives the coverage
(practices included of open active practices) of each month it lists (telephony_coverage).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.catalogue import dataset_metrics
from portal.ingest import benchmarks, measures, telephony_coverage
from portal.ingest.base import (
    IngestError,
    LoadResult,
    Progress,
    check_unique,
    first_bad,
    line_of,
    parse_numbers,
    read_csv,
    require_values,
)
from portal.ingest.periods import one_period, source_part
from portal.ingest.store import Facts, Load, period_frame, store_period
from portal.models import TelephonyBreakdown, TelephonyCount, TelephonySharedCount
from portal.models.organisations import ENGLAND
from portal.models.telephony import BREAKDOWNS, INDICATORS

DATASET = "telephony"
GEOGRAPHY = ["REGION_CODE", "ICB_CODE", "SUB_ICB_LOCATION_CODE", "PCN_CODE"]
COLUMNS = ["DATE", *GEOGRAPHY, "PRACTICE_CODE", "INDICATOR", "VALUE"]
# file kind -> (band column, category column or None)
LAYOUTS = {
    "duration": ("DURATION", None),
    "time": ("TIME_CATEGORY", None),
    "core": ("WAIT_TIME", "CORE_CATEGORY"),
}
SHARED = "UNASSIGNED"  # PRACTICE_CODE of a phone account shared by several practices
TOTAL_BANDS = {"TOTAL"}  # a band cell meaning the indicator's total
# the indicators each file kind carries (an absent one is zero calls)
CARRIED = {"duration": list(INDICATORS), "time": list(INDICATORS), "core": ["CBT003"]}
_INDICATOR = re.compile(r"\bCBT\s*0*(\d{1,3})\b", re.IGNORECASE)
SHARED_KEYS = ["region_code", "icb_code", "sub_icb_code", "pcn_code"]
# the shared table's geography column -> the hierarchy level it fills
LEVEL_OF = {
    "region_code": "region",
    "icb_code": "icb",
    "sub_icb_code": "sub_icb",
    "pcn_code": "pcn",
}


@dataclass
class MonthFile:
    """One CSV read and summed over its days: practice facts and shared-account facts."""

    path: Path
    kind: str  # duration, time or core
    period: str
    rows_read: int
    practices: pd.DataFrame  # practice_code, indicator, band, category, calls
    shared: pd.DataFrame  # region_code … pcn_code, indicator, band, category, calls
    regions: list[str]  # every REGION_CODE in the file (its shared rows are replaced)


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """One CSV (or the summary workbook) on its own; see load_files."""
    return load_files([Path(path)], synthetic=synthetic, progress=progress)


def load_files(
    paths: list[Path], *, synthetic: bool = False, progress: Progress | None = None
) -> list[LoadResult]:
    """A load's files (a zip's or folder's members): the workbook's coverage, then each
    month's CSVs in one transaction, every file read and checked before any is stored."""
    results: list[LoadResult] = []
    months: dict[str, list[MonthFile]] = {}
    for path in paths:
        if path.name.lower().endswith(".xlsx"):
            results.extend(telephony_coverage.load(path, synthetic=synthetic, progress=progress))
            continue
        month = read_month_file(path)
        if progress:
            progress(
                f"{path.name}: {month.kind}, {month.rows_read:,} rows, "
                f"{month.practices['practice_code'].nunique():,} practices, {month.period}"
            )
        months.setdefault(month.period, []).append(month)
    for period, files in sorted(months.items()):
        results.extend(store_month_files(period, files, synthetic=synthetic))
    return results


def layout_of(columns: list[str], path: Path) -> str:
    """The file kind from its columns; another layout is named as an error."""
    for kind, (band, category) in LAYOUTS.items():
        if band in columns and (category is None or category in columns):
            return kind
    raise IngestError(
        path,
        "not a Cloud Based Telephony file: no Duration, Time_Category or Wait_Time and "
        "Core_Category column",
        line=1,
    )


def read_month_file(path: Path) -> MonthFile:
    """Read, check and sum one CSV over its days."""
    frame = read_csv(path, COLUMNS, dataset="cloud telephony")
    kind = layout_of(list(frame.columns), path)
    band_column, category_column = LAYOUTS[kind]
    require_values(frame, ["DATE", "PRACTICE_CODE", "INDICATOR", *GEOGRAPHY, band_column], path)
    period = one_period(frame["DATE"], path, "DATE")
    bands = frame[band_column].str.strip()
    rows = pd.DataFrame(
        {
            "date": frame["DATE"].str.strip(),
            "practice_code": frame["PRACTICE_CODE"].str.strip(),
            "region_code": frame["REGION_CODE"].str.strip(),
            "icb_code": frame["ICB_CODE"].str.strip(),
            "sub_icb_code": frame["SUB_ICB_LOCATION_CODE"].str.strip(),
            "pcn_code": frame["PCN_CODE"].str.strip(),
            "indicator": _indicators(frame["INDICATOR"], path),
            "band": bands.where(~bands.str.upper().isin(TOTAL_BANDS), ""),
            "category": frame[category_column].str.strip() if category_column else "",
            "calls": parse_numbers(frame, "VALUE", path),
        }
    )
    keys = ["date", "practice_code", *SHARED_KEYS, "indicator", "band", "category"]
    check_unique(rows, keys, path)
    shared = rows["practice_code"].str.upper() == SHARED
    facts = ["indicator", "band", "category"]
    return MonthFile(
        path=path,
        kind=kind,
        period=period,
        rows_read=len(frame),
        practices=_month_sums(rows[~shared], ["practice_code", *facts]),
        shared=_month_sums(rows[shared], [*SHARED_KEYS, *facts]),
        regions=sorted(rows["region_code"].unique()),
    )


def _month_sums(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Daily rows summed into the month; a sum with a suppressed day is suppressed."""
    summed = (
        rows.assign(missing=rows["calls"].isna())
        .groupby(keys, sort=False)
        .agg(calls=("calls", "sum"), missing=("missing", "sum"))
        .reset_index()
    )
    summed["calls"] = summed["calls"].astype("Int64").where(summed["missing"] == 0)
    return summed.drop(columns="missing")


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


def store_month_files(period: str, files: list[MonthFile], *, synthetic: bool) -> list:
    """One transaction: each file replaces its kind's rows of its practices and regions for the
    month, then the month's metrics are recomputed once and each file's load recorded."""
    count, breakdown, shared = (
        TelephonyCount.__table__,
        TelephonyBreakdown.__table__,
        TelephonySharedCount.__table__,
    )
    facts = []
    for month in files:
        practices = month.practices.assign(period=period)
        if month.kind == "duration":
            facts.append(Facts(count, practices.drop(columns="category"), key="practice_code"))
        else:
            rows = practices.assign(breakdown=month.kind)
            kind = (breakdown.c.breakdown == month.kind,)
            facts.append(Facts(breakdown, rows, key="practice_code", where=kind))
        facts.append(
            Facts(
                shared,
                month.shared.assign(period=period, breakdown=month.kind),
                key="region_code",
                keys=month.regions,
                where=(shared.c.breakdown == month.kind,),
            )
        )
    return store_period(
        period,
        facts,
        recompute=lambda conn: recompute_metrics(conn, period),
        loads=[
            Load(
                DATASET,
                month.path,
                month.rows_read,
                len(month.practices) + len(month.shared),
                synthetic,
                part=f"{month.kind}_{source_part(month.path, 'all')}"[:20],
            )
            for month in files
        ],
    )


def _totals(conn: Connection, table: sa.Table, keys: list[str], period: str) -> pd.DataFrame:
    """Per key, file kind and indicator: the total row where published, else the sum of its
    bands (missing when a band is suppressed). Columns: keys, breakdown, indicator, calls."""
    t = table
    is_total = t.c.band == ""
    kinds = [t.c.breakdown] if "breakdown" in t.c else []  # TelephonyCount: By Durations
    query = (
        sa.select(
            *(t.c[k] for k in keys),
            *kinds,
            t.c.indicator,
            sa.func.sum(sa.case((is_total, 1), else_=0)).label("total_rows"),
            sa.func.sum(sa.case((is_total, t.c.calls), else_=None)).label("total"),
            sa.func.sum(sa.case((is_total, None), else_=t.c.calls)).label("bands"),
            sa.func.sum(sa.case((sa.and_(~is_total, t.c.calls.is_(None)), 1), else_=0)).label(
                "suppressed"
            ),
        )
        .where(t.c.period == period)
        .group_by(*(t.c[k] for k in keys), *kinds, t.c.indicator)
    )
    rows = period_frame(conn, query)
    if not kinds:
        rows["breakdown"] = "duration"
    rows["calls"] = rows["total"].where(
        rows["total_rows"] > 0, rows["bands"].where(rows["suppressed"] == 0)
    )
    return rows[[*keys, "breakdown", "indicator", "calls"]]


def _pick(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per key (indicators as columns) from its most preferred file kind: indicators
    the kind carries but has no rows for are zero, others missing; suppressed stays missing."""
    columns = list(INDICATORS)
    if rows.empty:
        return pd.DataFrame(columns=[*keys, *columns])
    rows = rows.assign(rank=rows["breakdown"].map(BREAKDOWNS.index))
    best = rows.groupby(keys)["rank"].transform("min")
    rows = rows[rows["rank"] == best]
    kinds = rows.groupby(keys)["breakdown"].first()
    wide = (
        rows.assign(calls=rows["calls"].astype(float).fillna(-1))
        .set_index([*keys, "indicator"])["calls"]
        .unstack(fill_value=0)
        .reindex(columns=columns, fill_value=0)
        .replace(-1, np.nan)
    )
    for kind, carried in CARRIED.items():
        uncarried = [c for c in columns if c not in carried]
        wide.loc[(kinds == kind).reindex(wide.index).to_numpy(), uncarried] = np.nan
    return wide.reset_index()


def indicator_totals(conn: Connection, period: str) -> pd.DataFrame:
    """Each practice's total per indicator for the month (practice_code as the index)."""
    rows = pd.concat(
        [
            _totals(conn, TelephonyCount.__table__, ["practice_code"], period),
            _totals(conn, TelephonyBreakdown.__table__, ["practice_code"], period),
        ],
        ignore_index=True,
    )
    return _pick(rows, ["practice_code"]).set_index("practice_code")


def shared_totals(conn: Connection, period: str, hierarchy: pd.DataFrame) -> pd.DataFrame:
    """Shared accounts' totals per indicator, with pcn/sub_icb/icb/region codes where the file
    fills one the portal knows at that level (None elsewhere: counted at England only)."""
    rows = _totals(conn, TelephonySharedCount.__table__, SHARED_KEYS, period)
    wide = _pick(rows, SHARED_KEYS)
    for key, level in LEVEL_OF.items():
        known = set(hierarchy[level].dropna())
        wide[level] = wide[key].where(wide[key].isin(known), None)
    return wide


def recompute_metrics(conn: Connection, period: str, metric_ids=None) -> None:
    """The telephony metrics for the month from every practice's stored counts, with the shared
    accounts' totals added at group levels."""
    totals = indicator_totals(conn, period).reset_index()
    hierarchy = benchmarks.practice_hierarchy(conn)
    measures.recompute(
        conn,
        period,
        totals,
        metric_ids or dataset_metrics(DATASET),
        hierarchy=hierarchy,
        shared=shared_totals(conn, period, hierarchy),
        shared_keys=list(LEVEL_OF.values()),
    )


def recompute_metric(conn: Connection, metric_id: str, period: str) -> None:
    """One metric-period (benchmarks.refresh_all, after the hierarchy changes)."""
    recompute_metrics(conn, period, [metric_id])


def group_indicator_totals(conn: Connection, period: str) -> pd.DataFrame:
    """Every group's total per indicator for the month (level, code, indicator, calls): its
    English practices' totals plus the shared accounts' whose codes it fills, as the group
    metrics count them (a missing figure adds nothing)."""
    hierarchy = benchmarks.practice_hierarchy(conn)
    practices = indicator_totals(conn, period).join(hierarchy.set_index("practice_code"))
    practices = practices[practices["is_england"].fillna(True).astype(bool)]
    shared = shared_totals(conn, period, hierarchy)
    rows = pd.concat([practices.reset_index(drop=True), shared], ignore_index=True)
    parts = []
    for level in (*LEVEL_OF.values(), "england"):
        codes = rows[level] if level != "england" else pd.Series(ENGLAND, index=rows.index)
        summed = rows[list(INDICATORS)].astype(float).groupby(codes.rename("code")).sum()
        parts.append(summed.reset_index().assign(level=level))
    wide = pd.concat(parts, ignore_index=True)
    return wide.melt(["level", "code"], var_name="indicator", value_name="calls")
