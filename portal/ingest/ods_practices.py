"""epraccur: GP practices from ODS, both the 2025 (A/C/D, setting 4) and 2026 (ACTIVE..., RO76) editions."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from portal.extensions import db
from portal.ingest.base import (
    IngestError,
    Progress,
    first_bad,
    line_of,
    parse_date,
    read_csv,
    record_load,
    require_values,
    upsert,
)
from portal.models import Practice

DATASET = "ods-practices"

# epraccur has no header: the 27 fields of the ODS specification, in order.
COLUMNS = [
    "code", "name", "national_grouping", "health_geography",
    "address_1", "address_2", "address_3", "address_4", "address_5", "postcode",
    "open_date", "close_date", "status", "sub_type", "commissioner",
    "join_date", "left_date", "telephone", "null_1", "null_2", "null_3",
    "amended", "null_4", "provider", "null_5", "prescribing_setting", "null_6",
]  # fmt: skip

STATUS = {"A": "active", "ACTIVE": "active", "C": "closed", "INACTIVE": "closed",
          "CLOSED": "closed", "D": "dormant", "DORMANT": "dormant", "P": "proposed"}  # fmt: skip
GP_PRACTICE_SETTINGS = {"4", "RO76"}
ODS_CODE = re.compile(r"^[A-Z0-9]{3,8}$")


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Upsert every GP practice (prescribing setting 4 / RO76) in an epraccur file."""
    path = Path(path)
    frame = read_csv(path, [], header=False, names=COLUMNS, dataset=DATASET)
    if frame.shape[0] == 0:
        raise IngestError(path, "the file has no data rows")
    _check_shape(frame, path)
    require_values(frame, ["code", "name", "status"], path, header=False)
    rows_read = len(frame)
    frame = frame[frame["prescribing_setting"].str.strip().isin(GP_PRACTICE_SETTINGS)].copy()
    unknown = ~frame["status"].str.strip().str.upper().isin(STATUS)
    position = first_bad(unknown)
    if position is not None:
        raise IngestError(
            path,
            f"unknown status {frame['status'].iloc[position]!r}",
            line=line_of(frame.index[position], header=False),
            column=13,
        )
    lines = frame[["address_1", "address_2", "address_3", "address_4", "address_5"]]
    places = [split_address([str(v).strip() for v in row]) for row in lines.itertuples(index=False)]
    practices = pd.DataFrame(
        {
            "code": frame["code"].str.strip(),
            "name": frame["name"].str.strip(),
            "address": [a for a, _ in places],
            "town": [t for _, t in places],
            "postcode": frame["postcode"].str.strip(),
            "telephone": frame["telephone"].str.strip().replace("", None),
            "open_date": _dates(frame, "open_date", 11, path),
            "close_date": _dates(frame, "close_date", 12, path),
            "status": frame["status"].str.strip().str.upper().map(STATUS),
            "is_england": frame["national_grouping"].str.strip() != "W00",
            "is_gp_practice": True,
            "sub_icb_code": frame["commissioner"].str.strip().replace("", None),
        }
    )
    if progress:
        progress(f"{len(practices):,} GP practices in {path.name}")
    with db.engine.begin() as conn:
        upsert(conn, Practice.__table__, practices)
        result = record_load(
            conn,
            dataset=DATASET,
            period="current",
            path=path,
            rows_read=rows_read,
            rows_loaded=len(practices),
            synthetic=synthetic,
        )
    return [result]


def split_address(lines: list[str]) -> tuple[str | None, str | None]:
    """(street address, town) from the five address lines of either edition.

    The 2025 edition puts the town on line 3 and the county on line 4; the 2026 edition leaves
    line 3 empty and puts the town on line 4.
    """
    line_3, line_4 = lines[2], lines[3]
    town_index = 2 if line_3 and line_4 else (3 if line_4 else 2)
    street = ", ".join(v for i, v in enumerate(lines[:town_index]) if v)
    town = lines[town_index].title() or None
    return street or None, town


def _check_shape(frame: pd.DataFrame, path: Path) -> None:
    bad = ~frame["code"].str.strip().str.match(ODS_CODE) | frame["prescribing_setting"].isna()
    position = first_bad(bad)
    if position is not None:
        raise IngestError(
            path,
            "not an epraccur row (expected 27 quoted fields starting with an ODS code)",
            line=line_of(position, header=False),
            column=1,
        )


def _dates(frame: pd.DataFrame, column: str, number: int, path: Path) -> list:
    values = []
    for position, text in enumerate(frame[column]):
        try:
            values.append(parse_date(text))
        except ValueError:
            raise IngestError(
                path,
                f"{text!r} is not a date",
                line=line_of(frame.index[position], header=False),
                column=number,
            ) from None
    return values
