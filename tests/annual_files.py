"""Small files for the annual datasets' tests.

Workforce and QOF achievement files could not be obtained: `workforce_file` and
`achievement_file` are FIXTURES BUILT TO THE PUBLICATIONS' DOCUMENTED LAYOUTS (DESIGN.md §5),
not published data. The others are cut from the real files in ../shared/nhs-data.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

WORKFORCE_NAME = "General Practice – September 2025 Practice Level.csv"
WORKFORCE_ROWS = [
    # PRAC_CODE, TOTAL_PATIENTS, GP HC/FTE, nurses HC/FTE, DPC HC/FTE, admin HC/FTE
    ("A81001", "4098", "4", "2.85", "3", "1.6", "2", "1.2", "9", "6.93"),
    ("A81002", "19780", "15", "10.4", "8", "5.73", "6", "4.5", "31", "24.1"),
    ("A81004", "10534", "ND", "ND", "4", "3.2", "5", "3.9", "14", "11.07"),
    ("A81005", "8012", "6", "4.02", "ND", "ND", "3", "2.4", "11", "8.5"),
]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def write(frame: pd.DataFrame, path: Path, *, bom: bool = False) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8")
    return path


def workforce_file(folder: Path, name: str = WORKFORCE_NAME, rows=WORKFORCE_ROWS) -> Path:
    """FIXTURE to the documented practice-level layout, with ND (not disclosed) cells."""
    frame = pd.DataFrame(
        [
            (code, f"PRACTICE {code}", "16C", "NHS TEES VALLEY", *values)
            for code, *values in rows
        ],
        columns=["PRAC_CODE", "PRAC_NAME", "SUB_ICB_CODE", "SUB_ICB_NAME", "TOTAL_PATIENTS",
                 "TOTAL_GP_HC", "TOTAL_GP_FTE", "TOTAL_NURSES_HC", "TOTAL_NURSES_FTE",
                 "TOTAL_DPC_HC", "TOTAL_DPC_FTE", "TOTAL_ADMIN_HC", "TOTAL_ADMIN_FTE"],
    )  # fmt: skip
    return write(frame, folder / name)


def achievement_file(
    folder: Path, mapping: Path, practices: list[str], name: str = "ACHIEVEMENT_2021.csv"
) -> Path:
    """FIXTURE to the documented long layout PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE,
    over the real 2020-21 MAPPING_INDICATORS: each practice achieves a different share of each
    indicator's points; the first practice has no row for the first indicator."""
    indicators = read(mapping)
    rows = []
    for p_index, practice in enumerate(practices):
        for i_index, (code, points) in enumerate(
            zip(indicators["INDICATOR_CODE"], indicators["INDICATOR_POINT_VALUE"], strict=True)
        ):
            if p_index == 0 and i_index == 0:
                continue
            share = ((p_index * 7 + i_index * 3) % 10) / 10
            denominator = 100 + 10 * p_index + i_index
            rows += [
                (practice, code, "ACHIEVED_POINTS", f"{float(points) * share:.2f}"),
                (practice, code, "NUMERATOR", str(int(denominator * share))),
                (practice, code, "DENOMINATOR", str(denominator)),
                (practice, code, "PCAS", "*" if i_index % 5 == 0 else str(i_index % 4)),
            ]
    frame = pd.DataFrame(rows, columns=["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"])
    return write(frame, folder / name)


def snapshot(*models) -> list:
    """Every row of the given tables and of dataset_load (without load times), for comparing."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import DatasetLoad, PracticeMetric

    result = []
    for model in (*models, PracticeMetric):
        t = model.__table__
        key = [c for c in t.primary_key.columns]
        result.append([tuple(r) for r in db.session.execute(sa.select(t).order_by(*key)).all()])
    d = DatasetLoad.__table__
    result.append(
        db.session.execute(
            sa.select(d.c.dataset, d.c.period, d.c.part, d.c.checksum, d.c.rows_loaded).order_by(
                d.c.dataset, d.c.period, d.c.part
            )
        ).all()
    )
    return result


def stored_metric(metric_id: str, practice_code: str) -> float | None:
    """A practice's stored value of a metric (its only period in these tests)."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import PracticeMetric

    t = PracticeMetric.__table__
    return db.session.execute(
        sa.select(t.c.value).where(t.c.metric == metric_id, t.c.practice_code == practice_code)
    ).scalar_one_or_none()
