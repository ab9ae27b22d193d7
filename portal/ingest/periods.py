"""Working out which period an annual or snapshot file covers: from its name or --period.

Workforce files are monthly ('YYYY-MM', from '… September 2025 Practice Level.csv'), GP Patient
Survey files belong to a survey year ('YYYY'), QOF and payments to a financial year ('YYYY-YY':
'PREVALENCE_2021' and 'ACHIEVEMENT_2223' name 2020-21 and 2022-23, 'nhs_payments_gp_21-22'
names 2021-22). A period given on the command line must agree with the file name.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from pathlib import Path

from portal.ingest.base import IngestError

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name} | {
    name.lower(): i for i, name in enumerate(calendar.month_abbr) if name
}
MONTHLY = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
YEAR = re.compile(r"^20\d{2}$")
FINANCIAL = re.compile(r"^20\d{2}-\d{2}$")


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
