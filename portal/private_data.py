"""Private practice data: the measures, validation of entries and CSV uploads, and saving.

Only a user with an active role at the practice may save (portal.access decides). An upload
is all or nothing: any bad row and nothing is saved, with one message per bad row.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
from dataclasses import dataclass

from portal.access import private_practice
from portal.clock import now
from portal.extensions import db
from portal.models import PrivateEntry

log = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 256 * 1024
MAX_UPLOAD_ROWS = 1000
MAX_NOTE_LENGTH = 2000
MAX_VALUE = 10_000_000
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    unit: str  # count | hours | text
    description: str


MEASURES = {
    m.id: m
    for m in (
        Measure(
            "local_appointments",
            "Local appointment count",
            "count",
            "Appointments in the month from the practice's own system (whole number).",
        ),
        Measure(
            "staff_hours",
            "Staff hours",
            "hours",
            "Hours worked by practice staff in the month (up to two decimal places).",
        ),
        Measure("note", "Note", "text", "A note about the month, up to 2,000 characters."),
    )
}
CSV_COLUMNS = ("period", "local_appointments", "staff_hours", "note")


class PrivateDataError(ValueError):
    """Input that cannot be saved; `errors` lists one message per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class EntryInput:
    period: str
    measure: str
    value: float | None
    note: str | None


def check_period(text: str | None) -> str:
    text = (text or "").strip()
    match = PERIOD.match(text)
    if not match:
        raise ValueError(f"period {text[:20]!r} is not a month in the form YYYY-MM")
    year, month = int(match.group(1)), int(match.group(2))
    today = now()
    if not 1 <= month <= 12 or year < 2000:
        raise ValueError(f"period {text!r} is not a month in the form YYYY-MM")
    if (year, month) > (today.year, today.month):
        raise ValueError(f"period {text!r} is in the future")
    return text


def check_value(measure_id: str, text: str | None) -> EntryInput | None:
    """Parse one measure's cell; None when the cell is empty (nothing to save)."""
    text = (text or "").strip()
    if not text:
        return None
    measure = MEASURES[measure_id]
    if measure.unit == "text":
        if len(text) > MAX_NOTE_LENGTH:
            raise ValueError(f"note is longer than {MAX_NOTE_LENGTH:,} characters")
        return EntryInput("", measure_id, None, text)
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{measure_id} {text[:20]!r} is not a number") from None
    if math.isnan(value) or math.isinf(value) or value < 0 or value > MAX_VALUE:
        raise ValueError(f"{measure_id} {text[:20]!r} must be between 0 and {MAX_VALUE:,}")
    if measure.unit == "count" and value != int(value):
        raise ValueError(f"{measure_id} {text[:20]!r} must be a whole number")
    if measure.unit == "hours" and round(value, 2) != value:
        raise ValueError(f"{measure_id} {text[:20]!r} has more than two decimal places")
    return EntryInput("", measure_id, value, None)


def parse_row(fields: dict[str, str | None]) -> list[EntryInput]:
    """One month's entries from a form or CSV row; ValueError names the first problem."""
    period = check_period(fields.get("period"))
    entries = []
    for measure_id in MEASURES:
        parsed = check_value(measure_id, fields.get(measure_id))
        if parsed is not None:
            entries.append(EntryInput(period, parsed.measure, parsed.value, parsed.note))
    if not entries:
        raise ValueError("enter at least one figure or note")
    return entries


def parse_csv(data: bytes) -> list[EntryInput]:
    """Validate a whole upload; PrivateDataError lists every bad row."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PrivateDataError(
            [f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB. Split it into smaller files."]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PrivateDataError(["The file must be a CSV file saved as UTF-8"]) from None
    if "\x00" in text:
        raise PrivateDataError(["The file must be a CSV file saved as UTF-8"])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise PrivateDataError(["The file is empty"]) from None
    unknown = [h for h in header if h not in CSV_COLUMNS]
    problems = []
    if "period" not in header:
        problems.append("Row 1: the header has no period column")
    if unknown:
        problems.append(
            f"Row 1: unknown column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(u[:30]) for u in unknown[:5])}; "
            f"the columns are {', '.join(CSV_COLUMNS)}"
        )
    if len(set(header)) != len(header):
        problems.append("Row 1: a column appears twice")
    if problems:
        raise PrivateDataError(problems)
    entries: list[EntryInput] = []
    seen: dict[str, int] = {}
    try:
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if line > MAX_UPLOAD_ROWS + 1:
                problems.append(f"The file has more than {MAX_UPLOAD_ROWS:,} rows")
                break
            if len(row) != len(header):
                problems.append(f"Row {line}: expected {len(header)} cells, found {len(row)}")
                continue
            fields = dict(zip(header, row, strict=True))
            try:
                row_entries = parse_row(fields)
            except ValueError as exc:
                problems.append(f"Row {line}: {exc}")
                continue
            period = row_entries[0].period
            if period in seen:
                problems.append(
                    f"Row {line}: period {period} already appears in row {seen[period]}"
                )
                continue
            seen[period] = line
            entries.extend(row_entries)
    except csv.Error as exc:
        problems.append(f"Row {reader.line_num}: not valid CSV ({exc})")
    if problems:
        raise PrivateDataError(problems)
    if not entries:
        raise PrivateDataError(["The file has no data rows"])
    return entries


def save_entries(user, code: str, entries: list[EntryInput], via: str) -> int:
    """Append the entries as the practice's current values (earlier ones become history)."""
    practice = private_practice(user, code)
    stamp = now()
    db.session.add_all(
        PrivateEntry(
            practice_code=practice.code,
            period=e.period,
            measure=e.measure,
            value=e.value,
            note=e.note,
            entered_by_id=user.id,
            entered_at=stamp,
            via=via,
        )
        for e in entries
    )
    db.session.commit()
    log.info(
        "private data saved: %s entries at %s by user %s via %s",
        len(entries),
        practice.code,
        user.id,
        via,
    )
    return len(entries)


def save_form(user, code: str, fields: dict[str, str | None]) -> int:
    private_practice(user, code)  # refuse before saying anything about the input
    try:
        entries = parse_row(fields)
    except ValueError as exc:
        raise PrivateDataError([str(exc)[0].upper() + str(exc)[1:]]) from None
    return save_entries(user, code, entries, "form")


def save_upload(user, code: str, data: bytes) -> int:
    private_practice(user, code)
    return save_entries(user, code, parse_csv(data), "upload")
