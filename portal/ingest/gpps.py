"""GP Patient Survey, practice results (weighted): whatever questions the file has.

Each question with a `<question>.pcteval` column is kept with its confidence bounds
(`lowileval`, `hiwileval`), weighted positive count (`counteval`) and bases. Proportions are
0-1 fractions as published (`.433`). The survey year comes from the file name or --period.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from portal.ingest.base import Progress, parse_numbers, read_csv
from portal.ingest.periods import YEAR, resolve_period, survey_year_from_name
from portal.ingest.read import Aliases, pick_columns, practice_codes
from portal.ingest.store import Facts, Load, store_period
from portal.models import GppsPractice, GppsQuestion

DATASET = "gpps"
ALIASES: Aliases = {"practice_code": ["AD_PRACTICECODE", "PRACTICE_CODE"]}
HEADLINE = "OVERALLEXP"
MEASURES = {
    "PCTEVAL": "pct_eval",
    "LOWILEVAL": "low_ci",
    "HIWILEVAL": "high_ci",
    "COUNTEVAL": "count_eval",
    "BASEEVALW": "base_weighted",
    "BASEEVALUW": "base_unweighted",
}
FRACTIONS = {"PCTEVAL", "LOWILEVAL", "HIWILEVAL", "RESPRATE"}  # 0-1 as published, never %
PRACTICE_FIELDS = {
    "DISTRIBUTED": "distributed",
    "RECEIVED": "received",
    "RESPRATE": "response_rate",
    "POPSIZE": "population",
}


def load(
    path: str | Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
):
    """Load one survey year's practice file."""
    path = Path(path)
    period = resolve_period(path, period, survey_year_from_name, YEAR, "2026")
    frame = read_csv(path, [f"{HEADLINE}.PCTEVAL"], dataset=DATASET)
    columns = pick_columns(frame, ALIASES, path, DATASET)
    codes = practice_codes(frame, columns["practice_code"], path)

    practices = pd.DataFrame({"practice_code": codes, "period": period})
    for column, field in PRACTICE_FIELDS.items():
        practices[field] = number(frame, column, path) if column in frame.columns else pd.NA

    questions = sorted(
        {m.group(1) for c in frame.columns if (m := re.match(r"^(.+)\.PCTEVAL$", c))}
    )
    parts, headline = [], None
    for question in questions:
        part = pd.DataFrame(
            {"practice_code": codes, "period": period, "question": question.lower()}
        )
        for measure, field in MEASURES.items():
            column = f"{question}.{measure}"
            part[field] = number(frame, column, path) if column in frame.columns else pd.NA
        if question == HEADLINE:
            headline = part  # every practice, so a suppressed share is a missing value
        parts.append(part[part["pct_eval"].notna()])
    answers = pd.concat(parts, ignore_index=True)
    if progress:
        progress(f"{len(codes):,} practices, {len(questions)} questions for survey year {period}")

    shared = headline["pct_eval"].notna()
    if headline.loc[shared, ["count_eval", "base_weighted"]].notna().all(axis=None):
        # Weighted positive answers over the weighted base: groups are ratios of sums.
        values = headline[["practice_code", "count_eval", "base_weighted"]].copy()
        values.loc[~shared, "count_eval"] = pd.NA
    else:  # a file without the counts: the published share over a base of one
        values = headline.assign(base_weighted=1.0)[["practice_code", "pct_eval", "base_weighted"]]
    values = values.set_axis(["practice_code", "numerator", "denominator"], axis=1)

    p_table, q_table = GppsPractice.__table__, GppsQuestion.__table__
    return store_period(
        period,
        [
            Facts(p_table, practices[[c.name for c in p_table.columns]]),
            Facts(q_table, answers[[c.name for c in q_table.columns]]),
        ],
        metrics=[("gpps_overall_good", values)],
        loads=[Load(DATASET, path, len(frame), rows_loaded=len(practices), synthetic=synthetic)],
    )


def number(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """A survey figure: a proportion between 0 and 1, else a count."""
    if column.rpartition(".")[2] in FRACTIONS:
        return parse_numbers(frame, column, path, integer=False, high=1)
    return parse_numbers(frame, column, path, integer=False)
