"""One practice merger in synthetic England, written as ODS's succ.csv, so that the demo shows a
merger's series break and the closed practice's link to its successor."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from portal.ingest.ods_successors import DATASET

CLOSED_LIST_MONTHS = 20  # demo.py writes no list for a closed practice in the latest 20 months


def write_successors(folder: Path, england, rng: np.random.Generator) -> dict[str, list[Path]]:
    """The first closed practice merged into an open practice of its PCN (not A81001, which
    tests read), from the first month it has no list; beside it a row ODS also publishes for
    other organisations (a CCG into an ICB's sub-ICB location), which the load skips."""
    closed = next((p for p in england.practices if p.status == "closed"), None)
    successor = closed and next(
        (p for p in england.open_practices() if p.pcn == closed.pcn and p.code != "A81001"), None
    )
    if successor is None:
        return {}
    effective = england.months[max(0, len(england.months) - CLOSED_LIST_MONTHS)]
    path = folder / "succ.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(["00C", "16C", "R", "20220701", ""])
        writer.writerow([closed.code, successor.code, "R", f"{effective:%Y%m%d}", ""])
    return {DATASET: [path]}
