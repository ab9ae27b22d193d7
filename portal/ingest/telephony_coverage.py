"""Cloud Based Telephony coverage from the monthly Publication Summary workbook.

Its Table 1 lists, for the edition's month and the months before it (one column each, headed
by a date within the month), "Open active practices" and "Count of practices included": the
share of England the practice-level files cover. Each month listed replaces that month's
telephony row of dataset_coverage (a later edition restates earlier months).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from portal.ingest.base import IngestError, Progress, parse_date
from portal.ingest.coverage import replace_coverage, summary
from portal.ingest.store import Load, store_period
from portal.models.datasets import COVERAGE_PART

DATASET = "telephony"
SHEET = "Table 1"
OPEN = "open active practices"
INCLUDED = "count of practices included"


def read_coverage(path: Path) -> pd.DataFrame:
    """Table 1's coverage rows as period, practices_included, practices_open."""
    import openpyxl  # only when a workbook loads: keeps the CLI's start-up light

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise IngestError(path, f"not a readable Excel workbook ({exc})") from None
    try:
        if SHEET not in workbook.sheetnames:
            raise IngestError(path, f"no sheet {SHEET!r}: is this the Publication Summary?")
        rows = [list(row) for row in workbook[SHEET].iter_rows(values_only=True)]
    finally:
        workbook.close()
    labels = {_label(row): number for number, row in enumerate(rows, 1) if _label(row)}
    for label in (OPEN, INCLUDED):
        if label not in labels:
            raise IngestError(path, f"{SHEET} has no row {label.capitalize()!r}")
    open_row, included_row = labels[OPEN], labels[INCLUDED]
    header = next(
        (n for n in range(open_row - 1, 0, -1) if any(_month(c) for c in rows[n - 1][2:])), None
    )
    if header is None:
        raise IngestError(path, f"{SHEET} has no row of months above its coverage rows")
    records = []
    for index, cell in enumerate(rows[header - 1]):
        period = _month(cell) if index >= 2 else None
        if period is None:
            continue
        counts = []
        for line in (included_row, open_row):
            value = rows[line - 1][index] if index < len(rows[line - 1]) else None
            if not isinstance(value, int | float) or value < 0 or value % 1:
                raise IngestError(
                    path,
                    f"{value!r} is not a count of practices ({SHEET})",
                    line=line,
                    column=_letter(index),
                )
            counts.append(int(value))
        if counts[0] > counts[1]:
            raise IngestError(
                path,
                f"{counts[0]:,} practices included of {counts[1]:,} open ({SHEET})",
                line=included_row,
                column=_letter(index),
            )
        records.append((period, *counts))
    frame = pd.DataFrame(records, columns=["period", "practices_included", "practices_open"])
    repeated = frame["period"].duplicated()
    if repeated.any():
        raise IngestError(
            path, f"{SHEET} lists {frame['period'][repeated].iloc[0]} twice", line=header
        )
    return frame


def _letter(index: int) -> str:
    """The spreadsheet column letter of a 0-based index."""
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _label(row: list) -> str:
    """A row's label (the second column), lower case without stray spaces."""
    text = row[1] if len(row) > 1 else None
    return " ".join(str(text).split()).lower() if isinstance(text, str) else ""


def _month(cell: object) -> str | None:
    """'YYYY-MM' of a month heading (a date within the month, or text a date parses from)."""
    if isinstance(cell, datetime | date):
        return f"{cell:%Y-%m}"
    if isinstance(cell, str):
        try:
            parsed = parse_date(cell)
        except ValueError:
            return None
        return f"{parsed:%Y-%m}" if parsed else None
    return None


def load(path: Path, *, synthetic: bool = False, progress: Progress | None = None) -> list:
    """Store every month's coverage the workbook lists; recorded as its latest month's load."""
    frame = read_coverage(path)
    results = store_period(
        max(frame["period"]),
        recompute=lambda conn: replace_coverage(conn, DATASET, frame, path.name),
        loads=[Load(DATASET, path, len(frame), len(frame), synthetic, part=COVERAGE_PART)],
    )
    if progress:
        progress(summary("telephony", frame))
    return results
