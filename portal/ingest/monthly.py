"""Helpers shared by the monthly activity ingesters (GPAD, online consultations, telephony).

Their publications come as one file per region and month, so a load replaces the figures of
the practices in the file for that month (not the whole month), then recomputes the month's
metrics from every practice stored, all in one transaction.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.extensions import db
from portal.ingest.base import (
    IngestError,
    LoadResult,
    bulk_insert,
    first_bad,
    line_of,
    normalise_header,
    parse_date,
    record_load,
)

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
)}  # fmt: skip
_NAMED_MONTH = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[_\- ]?(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_ISO_MONTH = re.compile(r"(?<!\d)(20\d\d)-(0[1-9]|1[0-2])(?!\d)")
DELETE_CHUNK = 500


def periods_in_name(name: str) -> list[str]:
    """Months a file name states: 'Crosstab_Oct_25_London' -> ['2025-10'];
    'OC_practice_level_north_Sep23-Mar25' -> ['2023-09', '2025-03'] (a range)."""
    found = []
    for match in _NAMED_MONTH.finditer(name):
        year = int(match.group(2))
        year = year + 2000 if year < 100 else year
        found.append((match.start(), f"{year:04d}-{MONTHS[match.group(1).lower()[:3]]:02d}"))
    for match in _ISO_MONTH.finditer(name):
        found.append((match.start(), f"{match.group(1)}-{match.group(2)}"))
    return [period for _, period in sorted(found)]


def check_period_matches_name(path: Path, periods: Iterable[str], column: str) -> None:
    """A file named for one month (or a range of months) must hold only that month (range)."""
    stated = periods_in_name(path.name)
    if not stated:
        return
    low, high = stated[0], stated[-1]
    outside = sorted(p for p in set(periods) if not low <= p <= high)
    if outside:
        named = low if low == high else f"{low} to {high}"
        raise IngestError(
            path,
            f"the file is named for {named} but holds {', '.join(outside)}",
            column=column,
        )


def header_of(path: Path, *, raw: bool = False, errors: str = "strict") -> list[str]:
    """The column names of a (possibly gzipped) CSV from its first line, normalised unless raw
    (`errors`: as for decoding, 'replace' where a file is only looked at to be skipped)."""
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8-sig", errors=errors, newline="") as handle:
            first = handle.readline()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt ({exc})") from None
    if not first.strip():
        raise IngestError(path, "the file is empty")
    names = next(csv.reader([first]))
    return names if raw else [normalise_header(c) for c in names]


def month_periods(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Each row's month ('YYYY-MM'), parsing each distinct date text once; bad dates named."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    months = []
    for index, text in enumerate(uniques):
        try:
            parsed = parse_date(str(text))
        except ValueError:
            parsed, message = None, f"{str(text).strip()!r} is not a date"
        else:
            message = "a date is required here"
        if parsed is None:
            # rows are labelled by their position in the file (a read frame's RangeIndex)
            position = int(values.index[first_bad(pd.Series(codes == index))])
            raise IngestError(path, message, line=line_of(position), column=column)
        months.append(parsed.strftime("%Y-%m"))
    return pd.Series(np.asarray(months, dtype=object)[codes], index=values.index, dtype=str)


def one_period(values: pd.Series, path: Path, column: str) -> str:
    """The single month of a one-month file; a file mixing months is an error."""
    periods = sorted(set(month_periods(values.drop_duplicates(), path, column)))
    if not periods:
        raise IngestError(path, "the file has no data rows")
    if len(periods) > 1:
        raise IngestError(path, f"the file mixes periods {', '.join(periods)}", column=column)
    check_period_matches_name(path, periods, column)
    return periods[0]


def replace_practices(conn: Connection, table: sa.Table, period: str, codes: Iterable[str]) -> None:
    """Delete the period's rows of these practices (a regional file replaces its practices)."""
    codes = sorted(set(codes))
    for start in range(0, len(codes), DELETE_CHUNK):
        chunk = codes[start : start + DELETE_CHUNK]
        conn.execute(
            table.delete().where(table.c.period == period, table.c.practice_code.in_(chunk))
        )


def store_month(
    table: sa.Table,
    period: str,
    facts: pd.DataFrame,
    recompute: Callable[[Connection, str], None],
    **load: object,
) -> list[LoadResult]:
    """One transaction: replace these practices' rows for the month with `facts` (which carry
    their period), recompute the month's metrics and record the load (`load`: record_load's
    dataset, part, path, rows_read, synthetic and digest)."""
    with db.engine.begin() as conn:
        replace_practices(conn, table, period, facts["practice_code"])
        bulk_insert(conn, table, facts)
        recompute(conn, period)
        return [record_load(conn, period=period, rows_loaded=len(facts), **load)]


def period_frame(conn: Connection, query: sa.Select) -> pd.DataFrame:
    """A query's rows as a frame with its column names."""
    rows = [tuple(row) for row in conn.execute(query)]
    return pd.DataFrame.from_records(rows, columns=list(query.selected_columns.keys()))


def source_part(path: Path, prefix: str) -> str:
    """A short label for a regional file, so each region's provenance row stands on its own:
    'Practice_Level_Crosstab_Oct_25_London_East_South.csv' -> 'London_East_South'."""
    stem = re.sub(r"\.csv(\.gz)?$", "", path.name, flags=re.IGNORECASE)
    ends = [m.end() for m in (*_NAMED_MONTH.finditer(stem), *_ISO_MONTH.finditer(stem))]
    tail = stem[max(ends) :].strip("_- ") if ends else ""
    return (tail or prefix)[:20]
