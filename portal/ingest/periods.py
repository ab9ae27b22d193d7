"""Which period a file covers: from the dates in its rows, from its name, or from --period.

Monthly activity files (GPAD, online consultations, telephony, Patients Registered) carry
their month in a date column, and a file named for a month must hold only that month.
Workforce files are monthly ('YYYY-MM', from '… September 2025 Practice Level.csv'), GP Patient
Survey files belong to a survey year ('YYYY'), QOF and payments to a financial year ('YYYY-YY':
'PREVALENCE_2021' and 'ACHIEVEMENT_2223' name 2020-21 and 2022-23, 'nhs_payments_gp_21-22'
names 2021-22). A period given on the command line must agree with the file name.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from portal.ingest.base import IngestError, first_bad, line_of, parse_date

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
MONTHLY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^20\d{2}$")
FINANCIAL = re.compile(r"^20\d{2}-\d{2}$")
# A month as the monthly publications' file names write it: 'Oct_25', 'Sep23', 'March 2025'
_NAMED_MONTH = re.compile(
    r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*[_\- ]?(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_ISO_MONTH = re.compile(r"(?<!\d)(20\d\d)-(0[1-9]|1[0-2])(?!\d)")


def periods_in_name(name: str) -> list[str]:
    """Months a file name states: 'Crosstab_Oct_25_London' -> ['2025-10'];
    'OC_practice_level_north_Sep23-Mar25' -> ['2023-09', '2025-03'] (a range)."""
    found = []
    for match in _NAMED_MONTH.finditer(name):
        year = int(match.group(2))
        year = year + 2000 if year < 100 else year
        found.append((match.start(), f"{year:04d}-{MONTHS[match.group(1).lower()]:02d}"))
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


def one_period(values: pd.Series, path: Path, column: str, *, named: bool = True) -> str:
    """The single month of a one-month file; a file mixing months is an error, and so (with
    `named`) is a month other than the one the file's name states."""
    periods = sorted(set(month_periods(values.drop_duplicates(), path, column)))
    if not periods:
        raise IngestError(path, "the file has no data rows")
    if len(periods) > 1:
        raise IngestError(path, f"the file mixes periods {', '.join(periods)}", column=column)
    if named:
        check_period_matches_name(path, periods, column)
    return periods[0]


def source_part(path: Path, prefix: str) -> str:
    """A short label for a regional file, so each region's provenance row stands on its own:
    'Practice_Level_Crosstab_Oct_25_London_East_South.csv' -> 'London_East_South'."""
    stem = re.sub(r"\.csv(\.gz)?$", "", path.name, flags=re.IGNORECASE)
    ends = [m.end() for m in (*_NAMED_MONTH.finditer(stem), *_ISO_MONTH.finditer(stem))]
    tail = stem[max(ends) :].strip("_- ") if ends else ""
    return (tail or prefix)[:20]


def month_from_name(name: str) -> str | None:
    """'General Practice – September 2025 Practice Level.csv' -> '2025-09' (or '..._2025-09')."""
    iso = re.search(r"(?<!\d)(20\d{2})-(0[1-9]|1[0-2])(?!\d)", name)
    if iso:
        return f"{iso.group(1)}-{iso.group(2)}"
    for match in re.finditer(r"([A-Za-z]+)[\s_-]+(20\d{2})(?!\d)", name):
        month = MONTHS.get(match.group(1).lower())
        if month:
            return f"{match.group(2)}-{month:02d}"
    return None


def survey_year_from_name(name: str) -> str | None:
    """'GPPS_2026_practice_weighted.csv' -> '2026'."""
    years = set(re.findall(r"(?<!\d)(20\d{2})(?!\d)", name))
    return years.pop() if len(years) == 1 else None


def financial_year_from_name(name: str) -> str | None:
    """'2021-22', '21-22', '2122' or '2021' (QOF's year pair) in a file name -> '2021-22' / '2020-21'."""
    full = re.search(r"(?<!\d)20(\d{2})[-_](\d{2})(?!\d)", name)
    if full and int(full.group(2)) == (int(full.group(1)) + 1) % 100:
        return f"20{full.group(1)}-{full.group(2)}"
    for pattern in (r"(?<!\d)(\d{2})[-_](\d{2})(?!\d)", r"(?<!\d)(\d{2})(\d{2})(?!\d)"):
        for match in re.finditer(pattern, name):
            first, second = int(match.group(1)), int(match.group(2))
            if second == (first + 1) % 100 and 10 <= first <= 98:
                return f"20{first:02d}-{second:02d}"
    return None


def resolve_period(
    path: str | Path,
    given: str | None,
    from_name: Callable[[str], str | None],
    shape: re.Pattern,
    example: str,
) -> str:
    """The file's period from its name, checked against --period; an error if neither says."""
    path = Path(path)
    if given is not None and not shape.match(given):
        raise IngestError(path, f"--period {given!r} is not a period like {example!r}")
    named = from_name(path.name)
    if named and given and named != given:
        raise IngestError(
            path, f"period mismatch: the file name says {named} but --period says {given}"
        )
    period = given or named
    if period is None:
        raise IngestError(
            path,
            f"cannot tell which period this file covers: name it as published or give "
            f"--period (e.g. {example})",
        )
    return period
