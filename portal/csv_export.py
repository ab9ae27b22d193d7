"""The one CSV writer for the pages' downloads and the API's `format=csv`: text that a
spreadsheet would run as a formula is neutralised (OWASP CSV injection), numbers stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """Numbers as they are; text starting like a formula gets a leading single quote."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_text(rows: Iterable[dict], columns: list[str]) -> str:
    """A header row of `columns`, then one line per row (missing keys are empty cells)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180; a CR or LF in a cell is quoted
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in columns])
    return out.getvalue()
