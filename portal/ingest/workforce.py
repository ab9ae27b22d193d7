"""General Practice Workforce, practice-level CSV (`General Practice – <Month> <Year> Practice
Level.csv`): headcount and FTE totals per practice for one month. `ND` (not disclosed) and other
suppression markers are missing, never zero. No real file was available: the layout follows
the publication's documentation (DESIGN.md §5) and the column names seen in real files, which vary
by year (`TOTAL_NURSES_FTE` / `TOTAL_NURSE_FTE`, `TOTAL_GP_EXTGL_FTE` / `TOTAL_GP_EXL_FTE`, and
their `_HC` pairs); `ND`, `NA`, `EST` and `NS` are missing (base.MISSING_MARKERS)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.catalogue import dataset_metrics
from portal.ingest.base import Progress, parse_numbers, read_csv
from portal.ingest.measures import metric_values
from portal.ingest.periods import MONTHLY, month_from_name, resolve_period
from portal.ingest.read import Aliases, pick_columns, practice_codes
from portal.ingest.store import Facts, Load, store_period
from portal.models import WorkforcePractice

DATASET = "workforce"
# Each field's column names, the documented name first, then the other years' names: a file's
# first present name is used (TOTAL_GP_FTE when a file has it beside the EXL/EXTGL ones).
ALIASES: Aliases = {
    "practice_code": ["PRAC_CODE", "PRACTICE_CODE"],
    "gp_fte": ["TOTAL_GP_FTE", "TOTAL_GP_EXL_FTE", "TOTAL_GP_EXTGL_FTE"],
    "nurse_fte": ["TOTAL_NURSES_FTE", "TOTAL_NURSE_FTE"],
    "dpc_fte": ["TOTAL_DPC_FTE"],
    "admin_fte": ["TOTAL_ADMIN_FTE"],
}
STAFF = [field.removesuffix("_fte") for field in ALIASES if field.endswith("_fte")]
REQUIRED = ["TOTAL_PATIENTS", *(names[0] for names in ALIASES.values() if len(names) == 1)]


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
    columns = pick_columns(frame, ALIASES, path, DATASET)
    facts = pd.DataFrame({"practice_code": practice_codes(frame, columns["practice_code"], path)})
    facts["period"] = period
    facts["total_patients"] = parse_numbers(frame, "TOTAL_PATIENTS", path)
    for key in STAFF:
        fte = columns[f"{key}_fte"]
        facts[f"{key}_fte"] = parse_numbers(frame, fte, path, integer=False)
        hc = fte.removesuffix("_FTE") + "_HC"  # the headcount of the same staff definition
        facts[f"{key}_hc"] = (
            parse_numbers(frame, hc, path, integer=False) if hc in frame.columns else pd.NA
        )
    if progress:
        progress(f"{len(facts):,} practices' workforce for {period}")
    metrics = [(m, metric_values(m, facts)) for m in dataset_metrics(DATASET)]
    table = WorkforcePractice.__table__
    return store_period(
        period,
        [Facts(table, facts[[c.name for c in table.columns]])],
        metrics=metrics,
        loads=[Load(DATASET, path, len(frame), rows_loaded=len(facts), synthetic=synthetic)],
    )
