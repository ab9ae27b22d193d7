"""GPAD's coverage file (APPOINTMENTS_GP_COVERAGE.csv, in each month's zip): practices included
of open practices per sub-ICB and month, summed to England per month into dataset_coverage.

No load is recorded: the file lists months whose crosstabs may not be loaded, and a recorded
load would make them look loaded to `flask data status` and `refresh`."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.extensions import db
from portal.ingest.base import IngestError, Progress, parse_date
from portal.ingest.coverage import replace_coverage, summary

DATASET = "gpad"
MONTH, INCLUDED, OPEN = "APPOINTMENT_MONTH", "INCLUDED_PRACTICES", "OPEN_PRACTICES"


def read_coverage(path: Path) -> pd.DataFrame:
    """England's practices included and open per month (period, practices_included, ...)."""
    frame = pd.read_csv(path, dtype=str, usecols=lambda c: c.strip() in (MONTH, INCLUDED, OPEN))
    frame.columns = [c.strip() for c in frame.columns]
    missing = [c for c in (MONTH, INCLUDED, OPEN) if c not in frame.columns]
    if missing:
        raise IngestError(path, f"missing column(s) {', '.join(missing)}", line=1)
    counts = frame[[INCLUDED, OPEN]].apply(pd.to_numeric, errors="coerce")
    bad = counts.isna().any(axis=1) | (counts < 0).any(axis=1)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise IngestError(path, "not a count of practices", line=row + 2)
    periods = []
    for number, text in enumerate(frame[MONTH], 2):
        try:
            parsed = parse_date(str(text))
        except ValueError:
            parsed = None
        if parsed is None:
            raise IngestError(path, f"{text!r} is not a month", line=number, column=MONTH)
        periods.append(f"{parsed:%Y-%m}")
    summed = (
        counts.astype(int)
        .assign(period=periods)
        .groupby("period", as_index=False)
        .sum()
        .rename(columns={INCLUDED: "practices_included", OPEN: "practices_open"})
    )
    return summed[["period", "practices_included", "practices_open"]]


def load(path: Path, progress: Progress | None = None) -> list:
    """Replace each listed month's GPAD coverage; no load is recorded (see the module note)."""
    frame = read_coverage(path)
    with db.engine.begin() as conn:
        replace_coverage(conn, DATASET, frame, path.name)
    if progress:
        progress(summary("GPAD", frame))
    return []
