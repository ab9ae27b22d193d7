"""Submissions via Online Consultation Systems in General Practice.

Two layouts, recognised by their columns:
- the practice-level long file: `MONTH, GP_CODE, ..., SUPPLIER, METRIC, VALUE`, one row per
  practice x month x metric, one region and one or many months per file (SUPPLIER may name
  several suppliers inside quotes);
- the day-and-time file: `MONTH, GP_CODE, ..., WEEKDAY, SUBMISSION_TIME, VALUE` for one month.
A file loads in one transaction that replaces, for each month it holds, its practices' rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.catalogue import dataset_metrics
from portal.extensions import db
from portal.ingest import benchmarks, measures
from portal.ingest.base import (
    IngestError,
    Progress,
    check_unique,
    first_bad,
    line_of,
    parse_numbers,
    read_csv,
    require_columns,
    require_values,
)
from portal.ingest.periods import check_period_matches_name, month_periods, one_period
from portal.ingest.store import Facts, Load, period_frame, store_period
from portal.models import OnlineConsultation, OnlineConsultationTime

DATASET = "online-consultations"
LONG_COLUMNS = ["MONTH", "GP_CODE", "METRIC", "VALUE"]
TIME_COLUMNS = ["MONTH", "GP_CODE", "WEEKDAY", "SUBMISSION_TIME", "VALUE"]
# Published METRIC -> stored column; metrics not listed here are read and ignored.
METRICS = {
    "OC_PARTICIPATION": "participation",
    "OC_CAPABILITY": "capability",
    "OC_SYSTEM_USAGE": "system_usage",
    "OC_TOTAL_SUBMISSIONS": "submissions",
    "OC_SUBMISSION_TYPE_CLINICAL": "clinical",
    "OC_SUBMISSION_TYPE_ADMIN": "admin",
    "OC_SUBMISSION_TYPE_OTHER": "other",
    "PATIENTS_REGISTERED": "patients_registered",
    "OC_RATE_PER_1000_REGISTERED_PATIENTS": "published_rate_per_1000",
}
FLAGS = {"OC_PARTICIPATION", "OC_CAPABILITY", "OC_SYSTEM_USAGE"}  # 1 yes, 0 no
RATES = {"OC_RATE_PER_1000_REGISTERED_PATIENTS"}  # every other metric is a whole count
UNKNOWN_TIME = "Unknown"  # the day-and-time file leaves SUBMISSION_TIME empty when not known


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Load one file, recognised by its columns as the long or the day-and-time layout."""
    path = Path(path)
    frame = read_csv(path, [], dataset=DATASET)
    columns = set(frame.columns)
    if {"WEEKDAY", "SUBMISSION_TIME"} <= columns:
        return _load_times(frame, path, synthetic, progress)
    if "METRIC" in columns or "MONTH" in columns:
        return _load_long(frame, path, synthetic, progress)
    raise IngestError(
        path,
        "not an Online Consultation Systems file: expected the columns "
        f"{', '.join(LONG_COLUMNS)} (or {', '.join(TIME_COLUMNS)})",
        line=1,
    )


def _load_long(frame: pd.DataFrame, path: Path, synthetic: bool, progress: Progress | None):
    require_columns(frame, LONG_COLUMNS, path, "GP online consultation")
    require_values(frame, ["MONTH", "GP_CODE", "METRIC"], path)
    frame["MONTH"] = month_periods(frame["MONTH"], path, "MONTH")
    check_period_matches_name(path, frame["MONTH"].unique(), "MONTH")
    frame["GP_CODE"] = frame["GP_CODE"].str.strip()
    frame["METRIC"] = frame["METRIC"].str.strip().str.upper()
    check_unique(frame, ["MONTH", "GP_CODE", "METRIC"], path)
    values = parse_numbers(frame, "VALUE", path, integer=False)
    known = frame["METRIC"].isin(METRICS)
    _check_values(frame, values, known, path)
    long = pd.DataFrame(
        {
            "period": frame["MONTH"],
            "practice_code": frame["GP_CODE"],
            "column": frame["METRIC"].map(METRICS),
            "value": values,
        }
    )[known]
    wide = long.pivot(index=["period", "practice_code"], columns="column", values="value")
    wide = wide.reindex(columns=list(METRICS.values()))
    for column in wide.columns:
        if column != "published_rate_per_1000":
            wide[column] = wide[column].round().astype("Int64")
    wide = wide.reset_index()
    if "SUPPLIER" in frame.columns:
        suppliers = (
            pd.DataFrame(
                {
                    "period": frame["MONTH"],
                    "practice_code": frame["GP_CODE"],
                    "supplier": frame["SUPPLIER"].str.strip().replace("", None),
                }
            )
            .dropna()
            .drop_duplicates(["period", "practice_code"])
        )
        wide = wide.merge(suppliers, on=["period", "practice_code"], how="left")
    else:
        wide["supplier"] = None
    periods = sorted(wide["period"].unique())
    if not periods:
        raise IngestError(path, "the file has no data rows")
    if progress:
        progress(
            f"{len(frame):,} rows -> {len(wide):,} practice-months for "
            f"{wide['practice_code'].nunique():,} practices, {periods[0]} to {periods[-1]}"
        )
    table = OnlineConsultation.__table__
    results = []
    with db.engine.begin() as conn:  # every month the file holds, or none
        hierarchy = benchmarks.practice_hierarchy(conn)
        for period in periods:
            month = wide[wide["period"] == period]
            rows_read = int((frame["MONTH"] == period).sum())
            results += store_period(
                period,
                [Facts(table, month[[c.name for c in table.columns]], key="practice_code")],
                recompute=lambda conn, period=period: recompute_metrics(conn, period, hierarchy),
                loads=[Load(DATASET, path, rows_read, len(month), synthetic, part="practice")],
                conn=conn,
            )
    return results


def _check_values(frame: pd.DataFrame, values: pd.Series, known: pd.Series, path: Path) -> None:
    """Counts are whole and flags 0 or 1: anything else would be rounded into a wrong figure."""
    present = values.notna().to_numpy(dtype=bool)
    metric = frame["METRIC"]
    number = values.to_numpy(dtype=float, na_value=np.nan)
    fractional = known & ~metric.isin(RATES) & (present & (number % 1 != 0))
    not_flag = metric.isin(FLAGS) & (present & (number != 0) & (number != 1))
    for bad, message in ((fractional, "is not a whole number"), (not_flag, "is not 0 or 1")):
        position = first_bad(bad)
        if position is not None:
            raise IngestError(
                path,
                f"{frame['VALUE'].iloc[position].strip()!r} {message} ({metric.iloc[position]})",
                line=line_of(position),
                column="VALUE",
            )


def recompute_metrics(conn: Connection, period: str, hierarchy: pd.DataFrame | None = None) -> None:
    """The online-consultation metrics for the month, from all practices' stored rows."""
    t = OnlineConsultation.__table__
    rows = period_frame(
        conn,
        sa.select(t.c.practice_code, t.c.submissions, t.c.clinical, t.c.patients_registered).where(
            t.c.period == period
        ),
    )
    measures.recompute(conn, period, rows, dataset_metrics(DATASET), hierarchy=hierarchy)


def _load_times(frame: pd.DataFrame, path: Path, synthetic: bool, progress: Progress | None):
    require_columns(frame, TIME_COLUMNS, path, "GP online consultation")
    require_values(frame, ["MONTH", "GP_CODE", "WEEKDAY"], path)
    period = one_period(frame["MONTH"], path, "MONTH")
    facts = pd.DataFrame(
        {
            "practice_code": frame["GP_CODE"].str.strip(),
            "period": period,
            "weekday": frame["WEEKDAY"].str.strip().str.capitalize(),
            "time_band": frame["SUBMISSION_TIME"].str.strip().replace("", UNKNOWN_TIME),
            "submissions": parse_numbers(frame, "VALUE", path),
        }
    )
    check_unique(facts, ["practice_code", "weekday", "time_band"], path)
    if progress:
        progress(f"{len(facts):,} submission counts by day and time for {period}")
    return store_period(
        period,
        [Facts(OnlineConsultationTime.__table__, facts, key="practice_code")],
        loads=[Load(DATASET, path, len(frame), len(facts), synthetic, part="day-time")],
    )
