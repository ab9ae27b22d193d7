"""Shared ingest machinery: reading published CSVs by column name, named errors, bulk writes."""

from __future__ import annotations

import gc
import gzip
import hashlib
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.models import DatasetLoad

# Markers the publications use for suppressed or not disclosed values: missing, never zero.
MISSING_MARKERS = ["", "*", "-", "ND", "NA", "N/A", "..", ":"]

Progress = Callable[[str], None]


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
    try:
        frame = pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            header=0 if header else None,
            names=names,
            compression="infer",
            encoding="utf-8-sig",
            engine="c",
            low_memory=False,
        )
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else None
        raise IngestError(path, f"malformed CSV row ({exc})", line=line) from None
    except pd.errors.EmptyDataError:
        raise IngestError(path, "the file is empty") from None
    except (EOFError, gzip.BadGzipFile, zlib.error, OSError) as exc:
        raise IngestError(path, f"the file is truncated or corrupt ({exc})") from None
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"the file is not UTF-8 text ({exc.reason})") from None
    if header:
        frame.columns = [normalise_header(c) for c in frame.columns]
        require_columns(frame, required, path, dataset)
    return frame


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
) -> pd.Series:
    """Convert a text column to numbers; suppression markers become missing, junk is an error."""
    raw = frame[column].str.strip()
    missing = raw.isin(MISSING_MARKERS)
    numbers = pd.to_numeric(raw.where(~missing), errors="coerce")
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


def single_period(frame: pd.DataFrame, column: str, path: str | Path) -> str:
    """The one month ('YYYY-MM') a file covers; a file mixing months is an error."""
    values = frame[column].str.strip().unique()
    periods = set()
    for value in values:
        try:
            parsed = parse_date(value)
        except ValueError:
            position = first_bad(frame[column].str.strip() == value)
            raise IngestError(
                path, f"{value!r} is not a date", line=line_of(position), column=column
            ) from None
        if parsed is None:
            position = first_bad(frame[column].str.strip() == value)
            raise IngestError(
                path, "a date is required here", line=line_of(position), column=column
            )
        periods.add(parsed.strftime("%Y-%m"))
    if not periods:
        raise IngestError(path, "the file has no data rows")
    if len(periods) > 1:
        raise IngestError(
            path, f"the file mixes periods {', '.join(sorted(periods))}", column=column
        )
    return periods.pop()


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
            loaded_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )
    return LoadResult(dataset, period, name, rows_read, rows_loaded, previous is not None)
