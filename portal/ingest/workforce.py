"""General Practice Workforce, practice-level CSV (`General Practice – <Month> <Year> Practice
Level.csv`): headcount and FTE totals per practice for one month. `ND` (not disclosed) and other
suppression markers are missing, never zero. No real file was available: the layout follows
the publication's documentation (DESIGN.md §5) and the column names seen in real files, which vary
by year (`TOTAL_NURSES_FTE` / `TOTAL_NURSE_FTE`, `TOTAL_GP_EXTGL_FTE` / `TOTAL_GP_EXL_FTE`, and
their `_HC` pairs); `ND`, `NA`, `EST` and `NS` are missing (base.MISSING_MARKERS)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.ingest.annual import pick_column, practice_codes, replace_period
from portal.ingest.base import Progress, parse_numbers, read_csv
from portal.ingest.periods import MONTHLY, month_from_name, resolve_period
from portal.models import WorkforcePractice

DATASET = "workforce"
# Each staff group's column stems, the documented name first, then the other years' names: a
# file's first present name is used (TOTAL_GP_FTE when a file has it beside the EXL/EXTGL ones).
STAFF = {
    "gp": ["GP", "GP_EXL", "GP_EXTGL"],
    "nurse": ["NURSES", "NURSE"],
    "dpc": ["DPC"],
    "admin": ["ADMIN"],
}
REQUIRED = ["TOTAL_PATIENTS", *(f"TOTAL_{s[0]}_FTE" for s in STAFF.values() if len(s) == 1)]


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
    for key, stems in STAFF.items():
        fte = pick_column(frame, [f"TOTAL_{s}_FTE" for s in stems], path, DATASET)
        facts[f"{key}_fte"] = parse_numbers(frame, fte, path, integer=False)
        hc = fte.removesuffix("_FTE") + "_HC"  # the headcount of the same staff definition
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
