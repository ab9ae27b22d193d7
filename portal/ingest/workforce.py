"""General Practice Workforce, practice-level CSV (`General Practice – <Month> <Year> Practice
Level.csv`): headcount and FTE totals per practice for one month. `ND` (not disclosed) and other
suppression markers are missing, never zero. No real file was available: the layout follows
the publication's documentation (DESIGN.md §5)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.ingest.annual import pick_column, practice_codes, replace_period
from portal.ingest.base import Progress, parse_numbers, read_csv
from portal.ingest.periods import MONTHLY, month_from_name, resolve_period
from portal.models import WorkforcePractice

DATASET = "workforce"
STAFF = {"gp": "GP", "nurse": "NURSES", "dpc": "DPC", "admin": "ADMIN"}
REQUIRED = ["TOTAL_PATIENTS", *(f"TOTAL_{c}_FTE" for c in STAFF.values())]


def load(
    path: str | Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
):
    """Load one month's practice-level file; the month comes from the file name or --period."""
    path = Path(path)
    period = resolve_period(path, period, month_from_name, MONTHLY, "2025-09")
    frame = read_csv(path, REQUIRED, dataset=DATASET)
    code_column = pick_column(frame, ["PRAC_CODE", "PRACTICE_CODE"], path, DATASET)
    facts = pd.DataFrame({"practice_code": practice_codes(frame, code_column, path)})
    facts["period"] = period
    facts["total_patients"] = parse_numbers(frame, "TOTAL_PATIENTS", path)
    for key, column in STAFF.items():
        facts[f"{key}_fte"] = parse_numbers(frame, f"TOTAL_{column}_FTE", path, integer=False)
        hc = f"TOTAL_{column}_HC"
        facts[f"{key}_hc"] = (
            parse_numbers(frame, hc, path, integer=False) if hc in frame.columns else pd.NA
        )
    if progress:
        progress(f"{len(facts):,} practices' workforce for {period}")
    metrics = [
        (
            f"{key}_fte",
            pd.DataFrame({"practice_code": facts["practice_code"], "value": facts[f"{key}_fte"]}),
        )
        for key in STAFF
    ]
    metrics.append(
        (
            "patients_per_gp_fte",
            pd.DataFrame(
                {
                    "practice_code": facts["practice_code"],
                    "numerator": facts["total_patients"],
                    "denominator": facts["gp_fte"],
                }
            ),
        )
    )
    table = WorkforcePractice.__table__
    return [
        replace_period(
            path,
            dataset=DATASET,
            period=period,
            facts=[(table, facts[[c.name for c in table.columns]])],
            metrics=metrics,
            rows_read=len(frame),
            synthetic=synthetic,
        )
    ]
