"""OHID Fingertips practice deprivation scores (IMD 2025: indicator 94240; IMD 2019: 93553), in
the Fingertips download's own layout: one row per area, England first, practices as Area Type
'GPs'. The period is the index's year from 'Time period' (2025, 2019).

A practice's score is stored as its value over a denominator of one, so a group's value is the
mean of its practices' scores (the catalogue says so).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.ingest.base import IngestError, Progress, parse_numbers, read_csv, require_values
from portal.ingest.read import practice_codes
from portal.ingest.store import Load, store_period

DATASET = "deprivation"
METRIC = "deprivation_score"
INDICATORS = {"94240": "2025", "93553": "2019"}  # Fingertips indicator id -> IMD year
REQUIRED = ["INDICATOR ID", "AREA CODE", "AREA TYPE", "TIME PERIOD", "VALUE"]
PRACTICES = "GPS"  # the Area Type of GP practices (Fingertips area type 7)


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Load one indicator's download: every practice's score for its IMD year."""
    path = Path(path)
    frame = read_csv(path, REQUIRED, dataset=DATASET)
    require_values(frame, ["INDICATOR ID", "AREA TYPE"], path)
    indicators = set(frame["INDICATOR ID"].str.strip())
    unknown = indicators - set(INDICATORS)
    if unknown or len(indicators) != 1:
        known = ", ".join(f"{i} (IMD {y})" for i, y in INDICATORS.items())
        raise IngestError(
            path,
            f"expected one deprivation indicator ({known}), found {', '.join(sorted(indicators))}",
            column="INDICATOR ID",
        )
    scores = parse_numbers(frame, "VALUE", path, integer=False, high=100)  # lines as in the file
    is_practice = frame["AREA TYPE"].str.strip().str.upper() == PRACTICES
    practices = frame[is_practice].reset_index(drop=True)
    scores = scores[is_practice].reset_index(drop=True)
    if practices.empty:
        raise IngestError(path, "no rows with Area Type 'GPs': is this a practice-level download?")
    period = INDICATORS[indicators.pop()]
    stated = set(practices["TIME PERIOD"].str.strip())
    if stated != {period}:
        raise IngestError(
            path,
            f"the indicator is IMD {period} but the file's time period says "
            f"{', '.join(sorted(stated))}",
            column="TIME PERIOD",
        )
    codes = practice_codes(practices, "AREA CODE", path)
    values = pd.DataFrame({"practice_code": codes, "numerator": scores, "denominator": 1.0})
    if progress:
        progress(f"{int(scores.notna().sum()):,} practice deprivation scores (IMD {period})")
    return store_period(
        period,
        metrics=[(METRIC, values[values["numerator"].notna()])],
        loads=[Load(DATASET, path, len(frame), rows_loaded=0, synthetic=synthetic)],
    )
