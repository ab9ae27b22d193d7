"""ODS successor organisations (succ.csv, in succ.zip): which GP practices closed into which,
and from when; the series breaks of a practice merger are read from what this loads.

The file has no header: five fields per row, as ODS's legacy CSV layout gives them: the
organisation's code, its successor's code, the succession reason (one letter), the effective
date (YYYYMMDD) and the succession indicator (which this does not use). The file covers every
kind of NHS organisation; only rows whose two codes are both practices loaded from epraccur
are kept, so ods-practices loads first."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest.base import IngestError, Progress, first_bad, line_of, read_csv, record_load
from portal.models import Practice, PracticeSuccessor

DATASET = "ods-successors"
COLUMNS = ["predecessor", "successor", "reason", "effective", "indicator"]
ODS_CODE = re.compile(r"^[A-Z0-9]{3,8}$")
REASON = re.compile(r"^[A-Z]$")
LAYOUT = (
    "not an ODS successor organisations file (succ.csv): expected 5 fields per row "
    "(organisation code, successor code, succession reason, effective date YYYYMMDD, indicator)"
)


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Add or replace the practice mergers in a succ.csv; other organisations' rows are skipped.
    A merger is never undone (ODS never closes a succession), so earlier ones stay."""
    path = Path(path)
    frame = read_csv(path, [], header=False, dataset=DATASET)
    if frame.shape[1] != len(COLUMNS):
        raise IngestError(path, f"{LAYOUT}, found {frame.shape[1]}", line=1)
    frame.columns = COLUMNS
    for column in COLUMNS[:4]:
        frame[column] = frame[column].str.strip().str.upper()
    _check(frame, "predecessor", ODS_CODE, "is not an ODS code", path)
    _check(frame, "successor", ODS_CODE, "is not an ODS code", path)
    _check(frame, "reason", REASON, "is not a succession reason (one letter)", path)
    effective = _dates(frame, path)
    repeated = first_bad(frame.duplicated(subset=["predecessor", "successor"]))
    if repeated is not None:
        raise IngestError(
            path,
            f"{frame['predecessor'].iloc[repeated]} -> {frame['successor'].iloc[repeated]} "
            "is in the file twice",
            line=line_of(repeated, header=False),
        )
    mergers = pd.DataFrame(
        {
            "predecessor_code": frame["predecessor"],
            "successor_code": frame["successor"],
            "reason": frame["reason"],
            "effective_date": effective,
            "period": [d.strftime("%Y-%m") for d in effective],
        }
    )
    with db.engine.begin() as conn:
        practices = set(conn.scalars(sa.select(Practice.__table__.c.code)))
        kept = mergers[
            mergers["predecessor_code"].isin(practices) & mergers["successor_code"].isin(practices)
        ]
        if progress:
            progress(f"{len(kept):,} practice mergers among {len(frame):,} successions")
        t = PracticeSuccessor.__table__
        keys = list(zip(kept["predecessor_code"], kept["successor_code"], strict=True))
        if keys:
            conn.execute(t.delete().where(sa.tuple_(t.c.predecessor_code, t.c.successor_code)
                                          .in_(keys)))  # fmt: skip
            conn.execute(t.insert(), kept.to_dict("records"))
        result = record_load(
            conn,
            dataset=DATASET,
            period="current",
            path=path,
            rows_read=len(frame),
            rows_loaded=len(kept),
            synthetic=synthetic,
        )
    return [result]


def _check(frame: pd.DataFrame, column: str, shape: re.Pattern, problem: str, path: Path):
    position = first_bad(~frame[column].str.match(shape))
    if position is not None:
        raise IngestError(
            path,
            f"{frame[column].iloc[position]!r} {problem}; {LAYOUT}",
            line=line_of(position, header=False),
            column=COLUMNS.index(column) + 1,
        )


def _dates(frame: pd.DataFrame, path: Path) -> list:
    values = []
    for position, text in enumerate(frame["effective"]):
        try:
            if not re.fullmatch(r"\d{8}", text):
                raise ValueError(text)
            values.append(datetime.strptime(text, "%Y%m%d").date())
        except ValueError:
            raise IngestError(
                path,
                f"{text!r} is not an effective date (YYYYMMDD); {LAYOUT}",
                line=line_of(position, header=False),
                column=4,
            ) from None
    return values
