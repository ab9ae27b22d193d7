"""Appointments in General Practice: the practice-level crosstab, one regional file per month.

A month is published as a zip of regional crosstab CSVs plus Mapping.csv. Each crosstab file
loads in one transaction that replaces its practices' appointments for the month; the
hierarchy comes from Patients Registered's map, so Mapping.csv (and the coverage file) is
recognised and skipped. The file is read with pyarrow and summed over national categories
before anything is written: an England month (about 1.2 million rows) becomes about half a
million fact rows at the grain practice x status x HCP type x mode x booking lead time.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pv
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal import benchmarks
from portal.extensions import db
from portal.ingest.base import (
    IngestError,
    Progress,
    bulk_insert,
    first_bad,
    line_of,
    parse_numbers,
    read_csv,
    record_load,
    require_values,
)
from portal.ingest.monthly import (
    header_of,
    one_period,
    period_frame,
    replace_practices,
    source_part,
)
from portal.models import AppointmentCount, RegisteredPatients
from portal.models.appointments import LEAD_TIMES

DATASET = "gpad"
DATE = "APPOINTMENT_MONTH_START_DATE"
COUNT = "COUNT_OF_APPOINTMENTS"
LEAD = "TIME_BETWEEN_BOOK_AND_APPT"
ROW_DIMENSIONS = ["APPT_STATUS", "HCP_TYPE", "APPT_MODE"]
DIMENSIONS = [*ROW_DIMENSIONS, LEAD]
KEY = ["GP_CODE", "GP_NAME", *DIMENSIONS, "NATIONAL_CATEGORY"]
COLUMNS = [DATE, *KEY, COUNT]
FACT_COLUMNS = ["status", "hcp_type", "mode"]  # ROW_DIMENSIONS in the fact table
METRIC_IDS = ["appointments_total", "dna_rate", "gp_appointment_share", "same_day_share",
              "face_to_face_share", "appointments_per_1000"]  # fmt: skip


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Load one crosstab file; Mapping.csv and the coverage file of a month's zip are skipped."""
    path = Path(path)
    header = header_of(path)
    if COUNT not in header and {"GP_CODE", "REGION_CODE"} <= set(header):
        if progress:
            progress(f"skipping {path.name}: the practice hierarchy comes from Patients Registered")
        return []
    if "INCLUDED_PRACTICES" in header:
        if progress:
            progress(f"skipping {path.name}: practice coverage is not stored")
        return []
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise IngestError(
            path,
            f"missing column(s) {', '.join(missing)}; is this a GPAD practice-level crosstab?",
            line=1,
            column=missing[0],
        )
    table = _read(path, header)
    rows_read = table.num_rows
    if rows_read == 0:
        raise IngestError(path, "the file has no data rows")
    period = one_period(pd.Series(table[DATE].to_pandas()), path, DATE)
    facts = summarise(table, path)
    del table
    if progress:
        progress(
            f"{rows_read:,} crosstab rows -> {len(facts):,} appointment counts for "
            f"{facts['practice_code'].nunique():,} practices, {period}"
        )
    with db.engine.begin() as conn:
        facts_table = AppointmentCount.__table__
        replace_practices(conn, facts_table, period, facts["practice_code"].unique())
        bulk_insert(conn, facts_table, facts.assign(period=period))
        recompute_metrics(conn, period)
        return [
            record_load(
                conn,
                dataset=DATASET,
                period=period,
                part=source_part(path, "crosstab"),
                path=path,
                rows_read=rows_read,
                rows_loaded=len(facts),
                synthetic=synthetic,
            )
        ]


def _read(path: Path, header: list[str]) -> pa.Table:
    """The needed columns as text, read by pyarrow (fast, multi-threaded), named as normalised.

    A file pyarrow cannot parse is re-read row by row so the error names the bad line.
    """
    raw = dict(zip(header, header_of(path, raw=True), strict=True))
    wanted = [raw[c] for c in COLUMNS]
    try:
        table = pv.read_csv(
            path,
            convert_options=pv.ConvertOptions(
                include_columns=wanted,
                column_types=dict.fromkeys(wanted, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError, EOFError, UnicodeDecodeError):
        # the row-by-row reader names a malformed line; a short (truncated) row shows as
        # empty key fields
        frame = read_csv(path, COLUMNS, dataset=DATASET)
        require_values(frame, [DATE, *KEY, COUNT], path)
        raise IngestError(path, "the file cannot be read as CSV") from None
    return table.rename_columns(COLUMNS)


def _encode(column: pa.ChunkedArray, path: Path, name: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes and labels of a text column; labels trimmed with inner spaces collapsed
    ('8  to 14 Days' -> '8 to 14 Days'); an empty value is a broken row."""
    encoded = pc.dictionary_encode(column).combine_chunks()
    labels = [" ".join(v.split()) for v in encoded.dictionary.to_pylist()]
    positions = {label: i for i, label in enumerate(dict.fromkeys(labels))}
    merged = list(positions)
    remap = np.array([positions[label] for label in labels], dtype=np.int64)
    codes = remap[encoded.indices.to_numpy(zero_copy_only=False)]
    if "" in merged:
        position = first_bad(pd.Series(codes == merged.index("")))
        raise IngestError(
            path, "a value is required here (is the file truncated?)", line=line_of(position),
            column=name,
        )  # fmt: skip
    return codes, merged


def _counts(table: pa.Table, path: Path) -> pd.Series:
    """COUNT_OF_APPOINTMENTS as whole numbers; suppression markers are missing, junk an error."""
    try:
        return pd.Series(
            pc.cast(pc.utf8_trim_whitespace(table[COUNT]), pa.int64()).to_numpy(),
            dtype="Int64",
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = pd.DataFrame({COUNT: table[COUNT].to_pandas()})
        return parse_numbers(text, COUNT, path)


def summarise(table: pa.Table, path: Path) -> pd.DataFrame:
    """Check the crosstab's keys and sum its counts over national categories, one row per
    practice x status x HCP type x mode with the lead-time bands as columns."""
    codes, labels = {}, {}
    for name in KEY:
        codes[name], labels[name] = _encode(table[name], path, name)
    key = np.zeros(table.num_rows, dtype=np.int64)
    for name in KEY:
        key = key * len(labels[name]) + codes[name]
    position = first_bad(pd.Series(key).duplicated())
    if position is not None:
        shown = ", ".join(f"{n}={labels[n][codes[n][position]]}" for n in KEY)
        raise IngestError(path, f"repeated key ({shown})", line=line_of(position))
    lead = _lead_columns(codes[LEAD], labels[LEAD], path)
    counts = _counts(table, path)
    keep = _one_name_per_practice(codes, labels, counts, path)

    row_key = codes["GP_CODE"]
    for name in ROW_DIMENSIONS:
        row_key = row_key * len(labels[name]) + codes[name]
    cell = row_key * len(LEAD_TIMES) + lead
    sums = counts[keep].groupby(cell[keep]).sum(min_count=1)
    rows, band = np.divmod(sums.index.to_numpy(), len(LEAD_TIMES))
    unique_rows, position = np.unique(rows, return_inverse=True)
    matrix = np.zeros((len(unique_rows), len(LEAD_TIMES)))
    matrix[position, band] = sums.to_numpy(dtype=float, na_value=np.nan)

    facts = {}
    rest = unique_rows
    for name, column in reversed(list(zip(ROW_DIMENSIONS, FACT_COLUMNS, strict=True))):
        rest, part = np.divmod(rest, len(labels[name]))
        facts[column] = np.asarray(labels[name], dtype=object)[part]
    facts["practice_code"] = np.asarray(labels["GP_CODE"], dtype=object)[rest]
    frame = pd.DataFrame(facts)[["practice_code", *FACT_COLUMNS]]
    for index, column in enumerate(LEAD_TIMES.values()):
        frame[column] = pd.array(matrix[:, index]).astype("Int64")
    return frame


def _lead_columns(codes: np.ndarray, labels: list[str], path: Path) -> np.ndarray:
    """Each row's lead-time column index; a label outside the published bands is an error."""
    known = list(LEAD_TIMES)
    for index, label in enumerate(labels):
        if label not in LEAD_TIMES:
            position = first_bad(pd.Series(codes == index))
            raise IngestError(
                path,
                f"{label!r} is not a booking lead-time band ({'; '.join(known)})",
                line=line_of(position),
                column=LEAD,
            )
    return np.array([known.index(label) for label in labels], dtype=np.int64)[codes]


def _one_name_per_practice(codes, labels, counts: pd.Series, path: Path) -> np.ndarray:
    """Rows to keep. A practice listed in full under two names with identical counts (renamed
    mid-extract, as in the Oct 2025 London/East/South file) is one practice: keep the first
    name's rows. Different counts under two names cannot be told apart: that is an error."""
    keep = np.ones(len(counts), dtype=bool)
    pairs = pd.DataFrame({"code": codes["GP_CODE"], "name": codes["GP_NAME"]})
    first_rows = pairs.drop_duplicates()
    renamed = first_rows[first_rows["code"].duplicated(keep=False)]
    for code, names in renamed.groupby("code")["name"]:
        names = list(names)
        records = []
        for name in names:
            rows = np.flatnonzero((codes["GP_CODE"] == code) & (codes["GP_NAME"] == name))
            cells = pd.DataFrame({d: codes[d][rows] for d in [*DIMENSIONS, "NATIONAL_CATEGORY"]})
            cells["count"] = counts.to_numpy()[rows]
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


def row_total(t: sa.Table) -> sa.ColumnElement:
    """Appointments in a fact row: the sum of its lead-time bands (suppressed bands as none)."""
    return sum((sa.func.coalesce(t.c[c], 0) for c in LEAD_TIMES.values()), sa.literal(0))


def after_list_sizes(conn: Connection, period: str) -> None:
    """Patients Registered calls this when a month's list sizes load: appointments per 1,000
    patients for that month (if its appointments are loaded) must follow the new lists."""
    t = AppointmentCount.__table__
    if conn.execute(sa.select(t.c.period).where(t.c.period == period).limit(1)).first():
        recompute_metrics(conn, period, ["appointments_per_1000"])


def recompute_metrics(conn: Connection, period: str, metric_ids: list[str] = METRIC_IDS) -> None:
    """The appointments metrics (default: all) for the month, from all practices' counts."""
    t = AppointmentCount.__table__
    appointments = row_total(t)

    def where(condition) -> sa.ColumnElement:
        return sa.func.sum(sa.case((condition, appointments), else_=0))

    query = (
        sa.select(
            t.c.practice_code,
            sa.func.sum(appointments).label("total"),
            where(t.c.status == "DNA").label("dna"),
            where(t.c.hcp_type == "GP").label("gp"),
            sa.func.sum(sa.func.coalesce(t.c.same_day, 0)).label("same_day"),
            where(t.c.mode == "Face-to-Face").label("face_to_face"),
        )
        .where(t.c.period == period)
        .group_by(t.c.practice_code)
    )
    sums = period_frame(conn, query)
    r = RegisteredPatients.__table__
    lists = period_frame(
        conn,
        sa.select(r.c.practice_code, r.c.patients).where(r.c.period == period),
    )
    sums = sums.merge(lists, on="practice_code", how="left")
    total = sums["total"]
    practices = sums[["practice_code"]]
    frames = {
        "appointments_total": practices.assign(value=total),
        "appointments_per_1000": practices.assign(numerator=total, denominator=sums["patients"]),
    }
    for metric, column in [("dna_rate", "dna"), ("gp_appointment_share", "gp"),
                           ("same_day_share", "same_day"), ("face_to_face_share", "face_to_face")]:  # fmt: skip
        frames[metric] = practices.assign(numerator=sums[column], denominator=total)
    hierarchy = benchmarks.practice_hierarchy(conn)
    for metric in metric_ids:
        benchmarks.recompute(conn, metric, period, frames[metric], hierarchy=hierarchy)
