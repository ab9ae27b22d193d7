"""Shared ingest machinery: reading published CSVs by column name, named errors, bulk writes."""

from __future__ import annotations

import csv
import gc
import gzip
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Connection

from portal.clock import now
from portal.models import DatasetLoad

# Markers the publications use for suppressed, not disclosed, estimated or not supplied values
# (workforce: ND, NA, EST, NS): missing, never zero.
MISSING_MARKERS = ["", "*", "-", "ND", "NA", "N/A", "EST", "NS", "..", ":"]

# More than any practice could hold in a month (or a year): a count above it is a corrupt value.
MAX_COUNT = 10_000_000

Progress = Callable[[str], None]
Parsed = TypeVar("Parsed")  # what a parser makes of a file's bytes: a DataFrame, an Arrow table

# The download being loaded (`flask data fetch`): its source_url, download_sha256 and
# download_bytes, recorded with each load in the load's own transaction.
DOWNLOAD: ContextVar[dict | None] = ContextVar("download", default=None)


class IngestError(Exception):
    """A file that cannot be loaded; names the file, line and column where it can."""

    def __init__(self, path: str | Path, message: str, line: int | None = None, column=None):
        self.path = Path(path).name
        self.line = line
        self.column = column
        self.detail = message
        where = [self.path]
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass
class LoadResult:
    dataset: str
    period: str
    source_file: str
    rows_read: int
    rows_loaded: int
    replaced: bool

    def describe(self) -> str:
        verb = "replaced" if self.replaced else "loaded"
        return (
            f"{self.dataset} {self.period}: {verb} {self.rows_loaded:,} rows "
            f"from {self.source_file} ({self.rows_read:,} read)"
        )


def normalise_header(name: object) -> str:
    """'Partner\\nOrganisation\\nCode ' -> 'PARTNER ORGANISATION CODE'; strips BOMs and spaces."""
    text = str(name).replace("\ufeff", "")
    return re.sub(r"\s+", " ", text).strip().upper()


def max_extracted_bytes() -> int:
    """The INGEST_MAX_EXTRACTED_BYTES setting: the most a file (or a zip's files) may unpack to."""
    return int(current_app.config["INGEST_MAX_EXTRACTED_BYTES"])


def too_big(path: str | Path, cap: int, size: int | None = None) -> IngestError:
    """The error for data above the extracted-size cap (`size`: when declared beforehand)."""
    unpacks = "more than that" if size is None else f"{size:,} bytes"
    return IngestError(
        path,
        f"the data would unpack beyond the limit of {cap:,} bytes (INGEST_MAX_EXTRACTED_BYTES): "
        f"{unpacks}",
    )


def read_bytes(path: str | Path) -> bytes:
    """A data file's bytes, gunzipped when it is .gz: a corrupt file or one above the
    extracted-size cap is a named error, and a gzip bomb stops at the cap."""
    path = Path(path)
    cap = max_extracted_bytes()
    try:
        if not path.name.lower().endswith(".gz"):
            if path.stat().st_size > cap:
                raise too_big(path, cap, path.stat().st_size)
            return path.read_bytes()
        blocks, size = [], 0
        with gzip.open(path, "rb") as handle:
            while block := handle.read(1 << 24):
                size += len(block)
                if size > cap:
                    raise too_big(path, cap)
                blocks.append(block)
        return b"".join(blocks)
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt ({exc})") from None


def read_checked(
    path: str | Path,
    parse: Callable[[bytes], Parsed],
    *,
    header: bool = True,
    pads_short_rows: bool = False,
) -> Parsed:
    """The one read path of every CSV ingester: the file's bytes (read_bytes) handed to `parse`
    (pandas or pyarrow), whose rows must then match the file's lines, so that a stray quote
    cannot swallow rows nor a cut-off last row load as a short one (check_rows); a parser that
    `pads_short_rows` (pandas; pyarrow refuses them) also has every line's fields counted."""
    data = read_bytes(path)
    parsed = parse(data)
    check_rows(path, data, len(parsed), header=header)
    if pads_short_rows:
        check_field_counts(path, data, header)
    return parsed


def check_rows(path: str | Path, data: bytes, rows: int, *, header: bool) -> None:
    """Parsed rows against physical lines: publications have no line breaks inside values, so
    one row per line (plus the header); and the last row has as many fields as the first.

    The count is a byte count of newlines; only a mismatch (blank lines, a runaway quote) costs
    a scan with the csv module, which finds where a quoted field starts to swallow lines."""
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    if lines != rows + header:
        runaway_quote(path, data, header)
    last_row_fits(path, data, header)


def runaway_quote(path: str | Path, data: bytes, header: bool) -> None:
    """Raise at the first record spanning more than one line (a quoted field that runs on:
    a stray or unbalanced quote), naming its first line and the field that runs on."""
    text = io.StringIO(data.decode("utf-8-sig", errors="replace"), newline=None)
    reader = csv.reader(text)
    names: list[str] = []
    ended = 0  # the line the previous record ended on
    try:
        for record in reader:
            if reader.line_num > ended + 1 and record:
                field = next((i for i, v in enumerate(record) if "\n" in v), len(record) - 1)
                first = ended + 1
                column = names[field] if field < len(names) else field + 1
                raise IngestError(
                    path,
                    f"a quoted field runs on over {reader.line_num - first + 1} lines "
                    "(an unbalanced quote?)",
                    line=first,
                    column=column,
                )
            if header and not names and record:
                names = [normalise_header(v) for v in record]
            ended = reader.line_num
    except csv.Error:  # a field runs on past the csv module's size limit: name where it starts
        start = text.getvalue().split("\n", ended + 1)[ended]
        field = len(next(csv.reader([start]), [""])) - 1
        column = names[field] if field < len(names) else field + 1
        raise IngestError(
            path,
            "a quoted field runs on over many lines (an unbalanced quote?)",
            line=ended + 1,
            column=column,
        ) from None


def last_row_fits(path: str | Path, data: bytes, header: bool) -> None:
    """The last row has as many fields as the first (the header). A file cut off mid-row leaves
    it short, and pandas pads it with empty values (suppressed figures); a header one name short
    of every row makes pandas take the first column as an index, shifting every figure."""
    end = len(data)
    while end and data[end - 1] in b"\r\n":  # trailing line ends, without copying the data
        end -= 1
    start = data.rfind(b"\n", 0, end) + 1
    if start == 0:
        return
    first = first_line(data)
    width = len(first)
    fields = next(csv.reader([data[start:end].decode("utf-8-sig", errors="replace")]), [])
    if len(fields) < width:
        names = [normalise_header(c) for c in first] if header else []
        missing = len(fields)
        raise IngestError(
            path,
            f"the row ends after {len(fields)} of {width} fields (is the file truncated?)",
            line=data.count(b"\n", 0, start) + 1,
            column=names[missing] if missing < len(names) else missing + 1,
        )
    if len(fields) > width:
        raise IngestError(
            path,
            f"the row has {len(fields)} fields where the {'header' if header else 'first row'} "
            f"has {width}",
            line=data.count(b"\n", 0, start) + 1,
        )


def first_line(data: bytes) -> list[str]:
    """The fields on a file's first line (its header, where it has one)."""
    end = data.find(b"\n")
    first = (data if end < 0 else data[:end]).rstrip(b"\r").decode("utf-8-sig", errors="replace")
    return next(csv.reader([first]), [])


def read_csv(
    path: str | Path,
    required: Iterable[str],
    *,
    header: bool = True,
    names: list[str] | None = None,
    dataset: str = "",
) -> pd.DataFrame:
    """Read a (possibly gzipped) CSV as strings with normalised headers, checking required columns."""
    path = Path(path)

    def parse(data: bytes) -> pd.DataFrame:
        try:
            return pd.read_csv(
                io.BytesIO(data),
                dtype=str,
                keep_default_na=False,
                header=0 if header else None,
                names=names,
                encoding="utf-8-sig",
                engine="c",
                low_memory=False,
            )
        except pd.errors.ParserError as exc:
            runaway_quote(path, data, header)  # names where a stray quote starts, if one does
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) if match else None
            raise IngestError(path, f"malformed CSV row ({exc})", line=line) from None
        except pd.errors.EmptyDataError:
            raise IngestError(path, "the file is empty") from None
        except UnicodeDecodeError as exc:
            raise IngestError(path, f"the file is not UTF-8 text ({exc.reason})") from None

    frame = read_checked(path, parse, header=header, pads_short_rows=True)
    if header:
        frame.columns = [normalise_header(c) for c in frame.columns]
        require_columns(frame, required, path, dataset)
    return frame


def check_field_counts(path: str | Path, data: bytes, header: bool) -> None:
    """Every line has as many fields as the first. pandas pads a short row with empty values,
    which would load as suppressed figures. Counted on the bytes with numpy: separators and
    line ends outside quotes (each quote toggles, so a doubled quote inside a field is neutral);
    blank lines are skipped, as the parser skips them."""
    raw = np.frombuffer(data, dtype=np.uint8)
    outside = (np.cumsum(raw == ord('"'), dtype=np.uint8) & 1) == 0
    ends = np.flatnonzero((raw == ord("\n")) & outside)
    if not data.endswith(b"\n"):
        ends = np.append(ends, len(data))
    separators = np.flatnonzero((raw == ord(",")) & outside)
    counts = np.bincount(np.searchsorted(ends, separators), minlength=len(ends))
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends - starts - (raw[np.maximum(ends - 1, 0)] == ord("\r"))
    wrong = np.flatnonzero((counts != counts[0]) & (lengths > 0))
    if not len(wrong):
        return
    line = int(wrong[0])
    fields, width = int(counts[line]) + 1, int(counts[0]) + 1
    if fields > width:
        raise IngestError(
            path,
            f"the row has {fields} fields where the {'header' if header else 'first row'} "
            f"has {width}",
            line=line + 1,
        )
    names = [normalise_header(c) for c in first_line(data)] if header else []
    raise IngestError(
        path,
        f"the row ends after {fields} of {width} fields",
        line=line + 1,
        column=names[fields] if header else fields + 1,
    )


def require_values(
    frame: pd.DataFrame, columns: Iterable[str], path: str | Path, header: bool = True
) -> None:
    """Key fields must be present: an empty one is a broken row, often a truncated file."""
    for column in columns:
        position = first_bad(frame[column].isna() | frame[column].str.strip().eq(""))
        if position is not None:
            name = column if header else frame.columns.get_loc(column) + 1
            raise IngestError(
                path,
                "a value is required here (is the file truncated?)",
                line=line_of(position, header),
                column=name,
            )


def require_columns(
    frame: pd.DataFrame, required: Iterable[str], path: str | Path, dataset: str = ""
) -> None:
    """Files are read by column name: a missing one means another layout or another dataset."""
    missing = [c for c in required if c not in frame.columns]
    if missing:
        hint = f"; is this a {dataset} file?" if dataset else ""
        raise IngestError(
            path, f"missing column(s) {', '.join(missing)}{hint}", line=1, column=missing[0]
        )


def first_bad(mask: pd.Series) -> int | None:
    """Position of the first True in a boolean Series, or None."""
    hits = mask.to_numpy().nonzero()[0]
    return int(hits[0]) if len(hits) else None


def line_of(position: int, header: bool = True) -> int:
    """1-based file line of a data row at `position` (0-based) after an optional header row."""
    return position + (2 if header else 1)


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    path: str | Path,
    *,
    integer: bool = True,
    allow_missing: bool = True,
    header: bool = True,
    low: float | None = 0,
    high: float | None = MAX_COUNT,
    checked: pd.Series | None = None,
) -> pd.Series:
    """Convert a text column to numbers; suppression markers become missing, junk is an error,
    and so is a value outside [`low`, `high`] (default: a count), NaN or infinity. `checked`:
    the rows whose range is checked (default all), where a file mixes practices and totals."""
    raw = frame[column].str.strip()
    missing = raw.isin(MISSING_MARKERS)
    numbers = pd.to_numeric(raw.where(~missing), errors="coerce").astype(float)
    bad = numbers.isna() & ~missing
    position = first_bad(bad)
    if position is not None:
        kind = "a whole number" if integer else "a number"
        raise IngestError(
            path,
            f"{raw.iloc[position]!r} is not {kind}",
            line=line_of(position, header),
            column=column,
        )
    if not allow_missing:
        position = first_bad(missing)
        if position is not None:
            raise IngestError(
                path, "a value is required here", line=line_of(position, header), column=column
            )
    check_range(numbers, raw, path, column, low=low, high=high, header=header, checked=checked)
    if integer:
        fractional = numbers.notna() & (numbers % 1 != 0)
        position = first_bad(fractional)
        if position is not None:
            raise IngestError(
                path,
                f"{raw.iloc[position]!r} is not a whole number",
                line=line_of(position, header),
                column=column,
            )
        return numbers.astype("Int64")
    return numbers.astype("Float64")


def check_range(
    numbers: pd.Series | np.ndarray,
    shown: object,
    path: str | Path,
    column: str,
    *,
    low: float | None,
    high: float | None,
    header: bool = True,
    checked: pd.Series | None = None,
) -> None:
    """No figure outside [`low`, `high`] nor infinite (`numbers`, NaN where missing; `shown`:
    the values as written, any array-like, for the error)."""
    values = np.asarray(numbers, dtype=float)
    outside = np.isinf(values)
    if low is not None:
        outside |= values < low
    if high is not None:
        outside |= values > high
    if checked is not None:
        outside &= np.asarray(checked, dtype=bool)
    position = first_bad(pd.Series(outside))
    if position is not None:
        if low is None or high is None:
            bounds = f"at most {high:,}" if low is None else f"at least {low:,}"
        else:
            bounds = f"{low:,} to {high:,}"
        raise IngestError(
            path,
            f"{str(np.asarray(shown, dtype=object)[position])!r} is outside the plausible "
            f"range ({bounds})",
            line=line_of(position, header),
            column=column,
        )


_DATE_FORMATS = ("%Y-%m-%d", "%d%b%Y", "%Y%m%d", "%d/%m/%Y", "%d-%b-%y", "%b-%y", "%Y-%m")


def parse_date(text: str) -> date | None:
    """Dates in any of the publications' formats: 2025-12-01, 01DEC2025, 01Dec2025, 20251201."""
    text = text.strip()
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date")


def check_unique(frame: pd.DataFrame, keys: list[str], path: str | Path) -> None:
    """A repeated key would double-count a figure: name its second occurrence."""
    duplicated = frame.duplicated(subset=keys, keep="first")
    position = first_bad(duplicated)
    if position is not None:
        key = ", ".join(f"{k}={frame[k].iloc[position]}" for k in keys)
        raise IngestError(path, f"repeated key ({key})", line=line_of(position))


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off during a bulk load: a load makes no reference cycles,
    and one full collection over a million-row read costs about a tenth of a second."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def checksum(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bulk_insert(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> int:
    """Insert a frame whose columns are the table's: COPY on PostgreSQL, executemany elsewhere."""
    if frame.empty:
        return 0
    columns = list(frame.columns)
    # column by column to Python objects (missing -> None): much faster than row by row
    values = [frame[c].to_numpy(dtype=object, na_value=None).tolist() for c in columns]
    rows = list(zip(*values, strict=True))
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        column_list = ", ".join(f'"{c}"' for c in columns)
        statement = f'COPY "{table.name}" ({column_list}) FROM STDIN'
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join("?" for _ in columns)
        column_list = ", ".join(f'"{c}"' for c in columns)
        conn.exec_driver_sql(
            f'INSERT INTO "{table.name}" ({column_list}) VALUES ({placeholders})', rows
        )
    return len(rows)


def upsert(
    conn: Connection,
    table: sa.Table,
    frame: pd.DataFrame,
    *,
    fields: list[str] | None = None,
    insert_new: bool = True,
) -> None:
    """Insert rows with new codes and update `fields` (default: all) of rows whose code exists."""
    existing = {row[0] for row in conn.execute(sa.select(table.c.code))}
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    if not records:
        return
    fields = fields or [k for k in records[0] if k != "code"]
    new = [r for r in records if r["code"] not in existing]
    old = [
        {"b_code": r["code"], **{f"b_{k}": r[k] for k in fields}}
        for r in records
        if r["code"] in existing
    ]
    if new and insert_new:
        conn.execute(table.insert(), new)
    if old:
        conn.execute(
            table.update()
            .where(table.c.code == sa.bindparam("b_code"))
            .values({k: sa.bindparam(f"b_{k}") for k in fields}),
            old,
        )


def record_load(
    conn: Connection,
    *,
    dataset: str,
    period: str,
    path: str | Path,
    rows_read: int,
    rows_loaded: int,
    synthetic: bool,
    part: str = "",
    digest: str | None = None,
) -> LoadResult:
    """Replace the provenance row for this dataset-period-file kind and say what happened
    (`digest`: the file's checksum when the loader computed it alongside its read)."""
    table = DatasetLoad.__table__
    name = Path(path).name
    same = sa.and_(table.c.dataset == dataset, table.c.period == period, table.c.part == part)
    previous = conn.execute(sa.select(table.c.id).where(same)).first()
    conn.execute(table.delete().where(same))
    conn.execute(
        table.insert().values(
            dataset=dataset,
            period=period,
            part=part,
            source_file=name,
            checksum=digest or checksum(path),
            rows_read=rows_read,
            rows_loaded=rows_loaded,
            synthetic=synthetic,
            status="loaded",
            loaded_at=now(),
            **(DOWNLOAD.get() or {}),
        )
    )
    return LoadResult(dataset, period, name, rows_read, rows_loaded, previous is not None)
