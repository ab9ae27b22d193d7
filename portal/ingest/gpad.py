"""Appointments in General Practice: the practice-level crosstab, one regional file per month.

A month is published as a zip of regional crosstab CSVs plus Mapping.csv. Each crosstab file
loads in one transaction that replaces its practices' appointments for the month; the
hierarchy comes from Patients Registered's map, so Mapping.csv is recognised and skipped; the
coverage file fills dataset_coverage (ingest/gpad_coverage.py). The file is read with pyarrow
and summed per practice before anything is written: an England month (about 1.2 million rows)
becomes one row per practice holding each dimension's counts (models/appointments.py).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pv
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.catalogue import dataset_metrics
from portal.ingest import gpad_coverage, measures
from portal.ingest.base import (
    MAX_COUNT,
    MISSING_MARKERS,
    IngestError,
    Progress,
    check_range,
    checksum,
    first_bad,
    gc_paused,
    line_of,
    parse_numbers,
    read_checked,
    read_csv,
    require_values,
)
from portal.ingest.periods import one_period, source_part
from portal.ingest.read import header_of
from portal.ingest.store import Facts, Load, period_frame, store_period
from portal.models import AppointmentMonth, RegisteredPatients
from portal.models.appointments import DIMENSIONS

DATASET = "gpad"
DATE = "APPOINTMENT_MONTH_START_DATE"
COUNT = "COUNT_OF_APPOINTMENTS"
KEY = ["GP_CODE", "GP_NAME", *DIMENSIONS, "NATIONAL_CATEGORY"]
COLUMNS = [DATE, *KEY, COUNT]


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Load one crosstab file; Mapping.csv and the coverage file of a month's zip are skipped."""
    path = Path(path)
    header = header_of(path)
    if COUNT not in header and {"GP_CODE", "REGION_CODE"} <= set(header):
        if progress:
            progress(f"skipping {path.name}: the practice hierarchy comes from Patients Registered")
        return []
    if "INCLUDED_PRACTICES" in header:  # England's coverage per month, for figures' labels
        return gpad_coverage.load(path, progress)
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise IngestError(
            path,
            f"missing column(s) {', '.join(missing)}; is this a GPAD practice-level crosstab?",
            line=1,
            column=missing[0],
        )
    with gc_paused(), ThreadPoolExecutor(1) as pool:
        # the file's checksum on the second core while pyarrow parses (hashlib frees the GIL)
        digest = pool.submit(checksum, path)
        table = _read(path, header)
        rows_read = table.num_rows
        if rows_read == 0:
            raise IngestError(path, "the file has no data rows")
        period = _period(table[DATE], path)
        facts = summarise(table, path)
        del table
        if progress:
            progress(
                f"{rows_read:,} crosstab rows -> appointments of {len(facts):,} practices, {period}"
            )
        return store_period(
            period,
            [Facts(AppointmentMonth.__table__, facts.assign(period=period), key="practice_code")],
            recompute=lambda conn: recompute_metrics(conn, period),
            loads=[
                Load(
                    DATASET,
                    path,
                    rows_read,
                    rows_loaded=len(facts),
                    synthetic=synthetic,
                    part=source_part(path, "crosstab"),
                    digest=digest.result(),
                )
            ],
        )


def _read(path: Path, header: list[str]) -> pa.Table:
    """The needed columns, read by pyarrow (fast, multi-threaded) through the shared checked read
    (read_checked) and named as normalised: text columns dictionary-encoded as they are parsed,
    counts as integers when they all are.

    A file pyarrow cannot parse is re-read row by row so the error names the bad line.
    """
    raw = dict(zip(header, header_of(path, raw=True), strict=True))
    text = pa.dictionary(pa.int32(), pa.string())

    def parse(data: bytes) -> pa.Table:
        try:
            try:
                return _read_as(data, raw, {**dict.fromkeys(COLUMNS, text), COUNT: pa.int64()})
            except pa.ArrowInvalid:  # a suppression marker or junk among the counts: see _counts
                return _read_as(data, raw, {**dict.fromkeys(COLUMNS, text), COUNT: pa.string()})
        except (pa.ArrowInvalid, UnicodeDecodeError):
            # the row-by-row reader names a malformed line (a stray quote, a short row); a
            # short row inside the file shows as empty key fields
            frame = read_csv(path, COLUMNS, dataset=DATASET)
            require_values(frame, [DATE, *KEY, COUNT], path)
            raise IngestError(path, "the file cannot be read as CSV") from None

    table = read_checked(path, parse)
    return table.rename_columns(COLUMNS).unify_dictionaries()


def _read_as(data: bytes, raw: dict[str, str], types: dict[str, pa.DataType]) -> pa.Table:
    wanted = [raw[c] for c in COLUMNS]
    return pv.read_csv(
        pa.py_buffer(data),
        convert_options=pv.ConvertOptions(
            include_columns=wanted,
            column_types={raw[c]: t for c, t in types.items()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=MISSING_MARKERS,  # not pyarrow's own list, which takes 'NaN' as missing
        ),
    )


def _labels(column: pa.ChunkedArray) -> list[str]:
    """The distinct values of a dictionary-encoded column (dictionaries unified on read)."""
    return column.chunk(0).dictionary.to_pylist() if column.num_chunks else []


def _period(column: pa.ChunkedArray, path: Path) -> str:
    """The file's month, parsed from its distinct dates; a bad one is found again row by row
    so the error names its line."""
    try:
        return one_period(pd.Series(_labels(column)), path, DATE)
    except IngestError:
        return one_period(pd.Series(column.cast(pa.string()).to_pandas()), path, DATE)


def _encode(column: pa.ChunkedArray, path: Path, name: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes and labels of a text column; labels trimmed with inner spaces collapsed
    ('8  to 14 Days' -> '8 to 14 Days'); an empty value is a broken row."""
    labels = [" ".join(v.split()) for v in _labels(column)]
    positions = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    merged = list(positions)
    codes = np.concatenate([chunk.indices.to_numpy() for chunk in column.chunks])
    if len(merged) < len(labels):  # labels that differ only in spacing become one
        codes = np.array([positions[label] for label in labels], dtype=np.int32)[codes]
    if "" in merged:
        position = first_bad(pd.Series(codes == merged.index("")))
        raise IngestError(
            path, "a value is required here (is the file truncated?)", line=line_of(position),
            column=name,
        )  # fmt: skip
    return codes, merged


def _counts(table: pa.Table, path: Path) -> np.ndarray:
    """COUNT_OF_APPOINTMENTS as numbers; suppression markers are missing (NaN), junk an error."""
    column = table[COUNT]
    if pa.types.is_integer(column.type):
        counts = column.to_numpy().astype(float)
        check_range(counts, column, path, COUNT, low=0, high=MAX_COUNT)
        return counts
    text = pd.DataFrame({COUNT: column.to_pandas()})
    return parse_numbers(text, COUNT, path).to_numpy(dtype=float, na_value=np.nan)


def summarise(table: pa.Table, path: Path) -> pd.DataFrame:
    """Check the crosstab's keys and sum its counts per practice: one row per practice with
    each dimension's counts as columns (AppointmentMonth's). Arrays of a million rows are
    built in place where possible: fresh memory costs as much as the arithmetic."""
    codes, labels = {}, {}
    for name in KEY:
        codes[name], labels[name] = _encode(table[name], path, name)
    key = codes[KEY[0]].astype(np.int64)
    for name in KEY[1:]:
        key *= len(labels[name])
        key += codes[name]
    position = first_bad(pd.Series(key).duplicated())
    if position is not None:
        shown = ", ".join(f"{n}={labels[n][codes[n][position]]}" for n in KEY)
        raise IngestError(path, f"repeated key ({shown})", line=line_of(position))
    del key
    columns_of = {
        name: _label_columns(codes[name], labels[name], published, path, name)
        for name, published in DIMENSIONS.items()
    }
    counts = _counts(table, path)
    keep = _one_name_per_practice(codes, labels, counts, path)
    if not keep.all():
        codes = {name: column[keep] for name, column in codes.items()}
        counts = counts[keep]

    practices = len(labels["GP_CODE"])
    suppressed = np.isnan(counts)
    if not suppressed.any():
        suppressed = None
    else:
        counts = np.where(suppressed, 0, counts)
    practice = codes["GP_CODE"].astype(np.int64)
    frame = pd.DataFrame({"practice_code": labels["GP_CODE"]})
    frame["total"] = pd.array(_sums(practice, 1, practices, counts, suppressed)[:, 0]).astype(
        "Int64"
    )
    for name, published in DIMENSIONS.items():
        cells = practice * len(published)
        cells += columns_of[name][codes[name]]
        sums = _sums(cells, len(published), practices, counts, suppressed)
        for index, column in enumerate(published.values()):
            frame[column] = pd.array(sums[:, index]).astype("Int64")
    return frame


def _sums(cells, width: int, practices: int, counts, suppressed) -> np.ndarray:
    """Counts summed into a practices x width grid (`cells`: each row's practice x width +
    column): 0 where no row falls, NaN where every row's count is suppressed (`suppressed`:
    None when none is), else the sum of the published counts."""
    size = practices * width
    sums = np.bincount(cells, weights=counts, minlength=size)
    if suppressed is not None:
        rows = np.bincount(cells, minlength=size)
        shown = np.bincount(cells[~suppressed], minlength=size)
        sums = np.where((rows > 0) & (shown == 0), np.nan, sums)
    return sums.reshape(practices, width)


def _label_columns(
    codes: np.ndarray, labels: list[str], published: dict[str, str], path: Path, name: str
) -> np.ndarray:
    """Each label's column index in the published order (case aside); a label outside the
    published set is an error naming the first row that has it."""
    known = {label.lower(): index for index, label in enumerate(published)}
    for index, label in enumerate(labels):
        if label.lower() not in known:
            position = first_bad(pd.Series(codes == index))
            raise IngestError(
                path,
                f"{label!r} is not a published {name} value ({'; '.join(published)})",
                line=line_of(position),
                column=name,
            )
    return np.array([known[label.lower()] for label in labels], dtype=np.int8)


def _one_name_per_practice(codes, labels, counts: np.ndarray, path: Path) -> np.ndarray:
    """Rows to keep. A practice listed in full under two names with identical counts (renamed
    mid-extract, as in the Oct 2025 London/East/South file) is one practice: keep the first
    name's rows. Different counts under two names cannot be told apart: that is an error."""
    keep = np.ones(len(counts), dtype=bool)
    width = len(labels["GP_NAME"])
    pairs = pd.unique(codes["GP_CODE"].astype(np.int64) * width + codes["GP_NAME"])  # seen order
    pair_codes = pairs // width
    for code in np.flatnonzero(np.bincount(pair_codes) > 1):
        names = (pairs[pair_codes == code] % width).tolist()
        records = []
        for name in names:
            rows = np.flatnonzero((codes["GP_CODE"] == code) & (codes["GP_NAME"] == name))
            cells = pd.DataFrame({d: codes[d][rows] for d in [*DIMENSIONS, "NATIONAL_CATEGORY"]})
            cells["count"] = counts[rows]
            records.append((rows, cells.sort_values(list(cells.columns)).reset_index(drop=True)))
        for rows, cells in records[1:]:
            if not cells.equals(records[0][1]):
                raise IngestError(
                    path,
                    f"practice {labels['GP_CODE'][code]} appears under two names "
                    f"({labels['GP_NAME'][names[0]]}; {labels['GP_NAME'][codes['GP_NAME'][rows[0]]]}) "
                    "with different counts",
                    line=line_of(int(rows[0])),
                    column="GP_NAME",
                )
            keep[rows] = False
    return keep


def after_list_sizes(conn: Connection, period: str) -> None:
    """Patients Registered calls this when a month's list sizes load: appointments per 1,000
    patients for that month (if its appointments are loaded) must follow the new lists."""
    t = AppointmentMonth.__table__
    if conn.execute(sa.select(t.c.period).where(t.c.period == period).limit(1)).first():
        recompute_metrics(conn, period, ["appointments_per_1000"])


def recompute_metrics(conn: Connection, period: str, metric_ids: list[str] | None = None) -> None:
    """The appointments metrics (default: all) for the month, from all practices' counts and
    the same month's list sizes."""
    t, r = AppointmentMonth.__table__, RegisteredPatients.__table__
    query = (
        sa.select(
            t.c.practice_code,
            t.c.total,
            t.c.dna,
            t.c.gp,
            t.c.same_day,
            t.c.face_to_face,
            r.c.patients,
        )  # fmt: skip
        .outerjoin(r, (r.c.practice_code == t.c.practice_code) & (r.c.period == t.c.period))
        .where(t.c.period == period)
    )
    facts = period_frame(conn, query)
    measures.recompute(conn, period, facts, metric_ids or dataset_metrics(DATASET))
