"""NHS Payments to General Practice, one financial year per file.

The column set drifts from year to year, so everything is keyed on (normalised) column names:
a BOM, title case and trailing spaces do not matter. The headline columns are required; every
other numeric column is kept as a payment line under its published heading. The year comes
from the file name ('nhs_payments_gp_21-22.csv' = 2021-22) or --period.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.catalogue import dataset_metrics
from portal.ingest.base import (
    MISSING_MARKERS,
    IngestError,
    Progress,
    first_bad,
    line_of,
    parse_numbers,
    read_csv,
)
from portal.ingest.measures import metric_values
from portal.ingest.periods import FINANCIAL, financial_year_from_name, resolve_period
from portal.ingest.read import Aliases, pick_columns, practice_codes, published_headings
from portal.ingest.store import Facts, Load, store_period
from portal.models import PaymentLine, PaymentsPractice

DATASET = "payments"
ALIASES: Aliases = {"practice_code": ["PRACTICE CODE", "PRACTICE_CODE"]}
REGISTERED = "NUMBER OF REGISTERED PATIENTS (LAST KNOWN FIGURE)"
WEIGHTED = "NUMBER OF WEIGHTED PATIENTS (LAST KNOWN FIGURE)"
TOTAL = "TOTAL NHS PAYMENTS TO GENERAL PRACTICE"
PER_REGISTERED = "AVERAGE PAYMENTS PER REGISTERED PATIENT"
PER_WEIGHTED = "AVERAGE PAYMENTS PER WEIGHTED PATIENT"
NOT_LINES = {REGISTERED, WEIGHTED}
MAX_POUNDS = 1_000_000_000  # a practice's year in pounds, either way (deductions are negative)
PATIENT_COUNTS = {REGISTERED, WEIGHTED}
DISPENSING = "DISPENSING PRACTICE"
RURALITY = "PRACTICE RURALITY"
NOT_STATED = {"UNKNOWN", "MISSING"}  # words the files use for a status they do not know


def load(
    path: str | Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
):
    """Load one year's file: headline figures per practice and every payment line."""
    path = Path(path)
    period = resolve_period(path, period, financial_year_from_name, FINANCIAL, "2021-22")
    frame = read_csv(path, [REGISTERED, WEIGHTED, TOTAL], dataset=DATASET)
    headings = published_headings(path, frame)
    columns = pick_columns(frame, ALIASES, path, DATASET)
    codes = practice_codes(frame, columns["practice_code"], path)

    def number(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series(pd.NA, index=frame.index, dtype="Float64")
        if column in PATIENT_COUNTS:
            return parse_numbers(frame, column, path, integer=False)
        return money(frame, column, path)

    practices = pd.DataFrame(
        {
            "practice_code": codes,
            "period": period,
            "registered_patients": number(REGISTERED),
            "weighted_patients": number(WEIGHTED),
            "total_payments": number(TOTAL),
            "per_registered": number(PER_REGISTERED),
            "per_weighted": number(PER_WEIGHTED),
            "dispensing": flag(frame, DISPENSING, {"YES": True, "NO": False}, path),
            "rural": flag(frame, RURALITY, {"RURAL": True, "URBAN": False}, path),
        }
    )
    lines = []
    for column in frame.columns:
        if (
            column in NOT_LINES
            or column.startswith("AVERAGE PAYMENTS")
            or column in ALIASES["practice_code"]
        ):
            continue
        text = frame[column].str.strip()
        numeric = pd.to_numeric(text.where(~text.isin(MISSING_MARKERS)), errors="coerce")
        if numeric.notna().any():  # a money column: every value must then parse
            amounts = money(frame, column, path)
            lines.append(
                pd.DataFrame(
                    {
                        "practice_code": codes,
                        "period": period,
                        "item": headings[column],
                        "amount": amounts,
                    }
                )[amounts.notna()]  # fmt: skip
            )
    line_frame = pd.concat(lines, ignore_index=True) if lines else pd.DataFrame()
    if progress:
        progress(f"{len(practices):,} practices, {len(lines)} payment columns for {period}")

    metrics = [(m, metric_values(m, practices)) for m in dataset_metrics(DATASET)]
    return store_period(
        period,
        [Facts(PaymentsPractice.__table__, practices), Facts(PaymentLine.__table__, line_frame)],
        metrics=metrics,
        loads=[Load(DATASET, path, len(frame), rows_loaded=len(practices), synthetic=synthetic)],
    )


def money(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A column of pounds: negative amounts are deductions, not errors."""
    return parse_numbers(frame, column, path, integer=False, low=-MAX_POUNDS, high=MAX_POUNDS)


def flag(frame: pd.DataFrame, column: str, meaning: dict[str, bool], path: Path) -> pd.Series:
    """A Yes/No-like column as True/False (missing when the year's file has no such column,
    leaves it blank or says 'Unknown' or 'Missing'); any other word is an error naming the
    line."""
    if column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="boolean")
    text = frame[column].str.strip().str.upper()
    known = text.isin(meaning) | text.isin(MISSING_MARKERS) | text.isin(NOT_STATED)
    position = first_bad(~known)
    if position is not None:
        raise IngestError(
            path,
            f"{frame[column].iloc[position]!r} is not one of {', '.join(meaning).title()}",
            line=line_of(position),
            column=column,
        )
    return text.map(meaning).astype("boolean")
