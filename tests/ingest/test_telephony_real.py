"""Cloud Based Telephony against the real published files in ../shared/nhs-data/telephony:
the South West member of June 2026's "By Durations" zip (an excerpt), the Unmapped member of
its "Calls Answered Metric" zip (an excerpt) and October 2025's Publication Summary workbook.
Every expected figure is computed here from the files with pandas."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.fetch.loading import latest_loaded
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.ingest.telephony import group_indicator_totals
from portal.models import (
    DatasetCoverage,
    GroupMetric,
    PracticeMetric,
    TelephonyCount,
    TelephonySharedCount,
)
from portal.queries.datasets import loaded_datasets

DURATIONS = "telephony/Cloud Based Telephony By Durations - June 2026_Y58.csv"
ANSWERED = "telephony/Cloud Based Telephony Calls Answered Metric - June 2026_Unmapped.csv"
SUMMARY = "telephony/Cloud Based Telephony Publication Summary October 2025_v2.xlsx"


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"Value": float})


def practice_values(metric: str, period: str = "2026-06") -> dict[str, float]:
    t = PracticeMetric.__table__
    query = sa.select(t.c.practice_code, t.c.value).where(
        t.c.metric == metric, t.c.period == period
    )
    return dict(db.session.execute(query).all())


def england(metric: str, period: str = "2026-06") -> GroupMetric | None:
    return db.session.get(GroupMetric, (metric, period, "england", "ENG"))


def test_durations_month_sums_and_metrics(app, nhs_data):
    frame = read(nhs_data / DURATIONS)
    sums = frame.groupby(["PRACTICE_CODE", "Indicator"])["Value"].sum().unstack(fill_value=0)
    with app.app_context():
        results = load_paths("telephony", [nhs_data / DURATIONS])
        inbound = practice_values("calls_inbound")
        answered = practice_values("calls_answered_rate")
        callbacks = practice_values("callbacks_requested")
        t = TelephonyCount.__table__
        cbt003, cbt007 = (
            dict(
                db.session.execute(
                    sa.select(t.c.practice_code, sa.func.sum(t.c.calls))
                    .where(t.c.indicator == code)
                    .group_by(t.c.practice_code)
                ).all()
            )
            for code in ("CBT003", "CBT007")
        )
        total = england("calls_inbound")
    assert (results[0].period, results[0].rows_read) == ("2026-06", len(frame))
    assert inbound["J81002"] == sums.loc["J81002", "CBT001"] == 344
    assert inbound == {code: sums.loc[code, "CBT001"] for code in sums.index}
    assert total.value == sums["CBT001"].sum() == 5415
    assert answered["J81021"] == pytest.approx(
        sums.loc["J81021", "CBT003"] / sums.loc["J81021", "CBT001"] * 100
    )
    assert cbt007 == cbt003 == {code: sums.loc[code, "CBT003"] for code in sums.index}
    # a practice without CBT005 rows: the file omits zero bands, so none requested, not "no data"
    without = set(frame["PRACTICE_CODE"]) - set(
        frame.loc[frame["Indicator"] == "CBT005", "PRACTICE_CODE"]
    )
    assert len(without) == 1
    assert callbacks[without.pop()] == 0


def test_unassigned_counts_at_england_never_at_a_practice(app, nhs_data):
    durations, answered = read(nhs_data / DURATIONS), read(nhs_data / ANSWERED)
    assert set(answered["PRACTICE_CODE"]) == {"Unassigned"}
    shared_cbt003 = answered.loc[answered["Indicator"] == "CBT003", "Value"].sum()
    practice_cbt003 = durations.loc[durations["Indicator"] == "CBT003", "Value"].sum()
    with app.app_context():
        load_paths("telephony", [nhs_data / DURATIONS, nhs_data / ANSWERED])
        with db.engine.connect() as conn:
            totals = group_indicator_totals(conn, "2026-06")
        t = TelephonyCount.__table__
        practice_codes = set(db.session.scalars(sa.select(t.c.practice_code).distinct()))
        metric_codes = set(practice_values("calls_inbound"))
        stored = db.session.scalar(sa.select(sa.func.sum(TelephonySharedCount.__table__.c.calls)))
    england_cbt003 = totals.query("level == 'england' and indicator == 'CBT003'")["calls"]
    assert shared_cbt003 == 43782
    assert stored == shared_cbt003
    assert england_cbt003.tolist() == [practice_cbt003 + shared_cbt003]
    assert practice_codes == metric_codes == set(durations["PRACTICE_CODE"])
    assert "Unassigned" not in practice_codes
    # 'Unmapped' geography fills no PCN, sub-ICB, ICB or region
    assert totals.query("level != 'england'")["code"].isna().sum() == 0
    assert totals.query("level != 'england' and indicator == 'CBT003'")["calls"].sum() == 0


def test_a_zip_of_regional_files_loads_as_one_month(app, nhs_data, tmp_path):
    archive = tmp_path / "Cloud Based Telephony - June 2026.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in (DURATIONS, ANSWERED):
            zipped.write(nhs_data / name, name.split("/")[-1])
    with app.app_context():
        results = load_paths("telephony", [archive])
        inbound = practice_values("calls_inbound")
        counts = db.session.execute(
            sa.select(sa.func.count(), sa.func.sum(TelephonyCount.__table__.c.calls))
        ).one()
    assert [(r.period, r.source_file) for r in results] == [
        ("2026-06", "Cloud Based Telephony By Durations - June 2026_Y58.csv"),
        ("2026-06", "Cloud Based Telephony Calls Answered Metric - June 2026_Unmapped.csv"),
    ]
    frame = read(nhs_data / DURATIONS)
    assert (
        inbound["J81002"]
        == frame.query("PRACTICE_CODE == 'J81002' and Indicator == 'CBT001'")["Value"].sum()
    )
    assert counts[1] == frame["Value"].sum()


def test_summary_workbook_gives_coverage(app, nhs_data):
    table = pd.read_excel(nhs_data / SUMMARY, sheet_name="Table 1", header=None)
    labels = table[1].astype(str).str.split().str.join(" ")
    months = table.iloc[7, 2:]
    included = table.loc[labels == "Count of practices included"].iloc[0, 2:]
    open_ = table.loc[labels == "Open active practices"].iloc[0, 2:]
    expected = {
        f"{m:%Y-%m}": (int(i), int(o))
        for m, i, o in zip(months, included, open_, strict=True)
        if pd.notna(m)
    }
    with app.app_context():
        results = load_paths("telephony", [nhs_data / SUMMARY])
        t = DatasetCoverage.__table__
        stored = {
            row.period: (row.practices_included, row.practices_open)
            for row in db.session.execute(sa.select(t).where(t.c.dataset == "telephony"))
        }
    assert expected["2025-10"] == (4649, 6220)
    assert stored == expected
    assert (results[0].period, results[0].rows_read) == ("2025-10", len(expected))


def test_a_coverage_workbook_alone_loads_no_month(app, nhs_data):
    """Refresh and `data status` go by the newest month loaded: the summary workbook must not
    make October 2025's calls look loaded when only its coverage table is."""
    with app.app_context():
        load_paths("telephony", [nhs_data / SUMMARY])
        assert latest_loaded("telephony") is None
        assert "telephony" not in {d.dataset for d in loaded_datasets()}
        load_paths("telephony", [nhs_data / DURATIONS])
        assert latest_loaded("telephony") == "2026-06"


def test_table_3_practice_calls_cross_check(app, nhs_data, tmp_path):
    """Table 3's practice-level inbound calls (including Unassigned accounts), written in the
    By Durations layout and loaded: practices keep their figures, England adds the shared
    accounts and so equals the publication's national total."""
    table = pd.read_excel(nhs_data / SUMMARY, sheet_name="Table 3", header=9)
    table.columns = [" ".join(str(c).split()) for c in table.columns]
    national = int(table.iloc[2]["Count of Inbound calls"])
    # practice rows: a code and a count (one row, M83616, has the copyright note in its Month cell)
    rows = table[table["GP Practice (ODS_CODE)"].notna() & table["PCN Code"].notna()]
    lines = [
        f"2025-10-01,{r['Region Code [2]']},{r['ICB Code [2]']},{r['Sub ICB Code [2]']},"
        f"{r['PCN Code']},{r['GP Practice (ODS_CODE)']},CBT001,TOTAL,{float(r['Count of Inbound calls'])}"
        for _, r in rows.iterrows()
    ]
    path = tmp_path / "Cloud Based Telephony By Durations - October 2025_All.csv"
    header = "Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,Indicator,Duration,Value"
    path.write_text("\n".join([header, *lines]) + "\n")
    with app.app_context():
        load_paths("telephony", [path])
        inbound = practice_values("calls_inbound", "2025-10")
        total = england("calls_inbound", "2025-10")
    shared = rows["GP Practice (ODS_CODE)"] == "Unassigned"
    assert national == 31444618
    assert inbound["E81050"] == 7993
    assert "Unassigned" not in inbound and len(inbound) == (~shared).sum()
    assert sum(inbound.values()) == rows.loc[~shared, "Count of Inbound calls"].sum()
    assert total.value == national


def corrupt(nhs_data, tmp_path, line: int, old: str, new: str):
    source = (nhs_data / DURATIONS).read_text().splitlines(keepends=True)
    assert old in source[line - 1]
    source[line - 1] = source[line - 1].replace(old, new, 1)
    path = tmp_path / DURATIONS.split("/")[-1]
    path.write_text("".join(source))
    return path


@pytest.mark.parametrize(
    ("line", "old", "new", "message"),
    [
        (2, "344.0", "34x", "line 2, column VALUE: '34x' is not a whole number"),
        (3, "121.0", "12.5", "line 3, column VALUE: '12.5' is not a whole number"),
        (
            5,
            "CBT003",
            "CBT099",
            "line 5, column INDICATOR: 'CBT099' is not a Cloud Based Telephony indicator "
            "(CBT001, CBT002, CBT003, CBT004, CBT005, CBT006, CBT007)",
        ),
        (7, "2026-06-01", "2026-07-01", "column DATE: the file mixes periods 2026-06, 2026-07"),
        (9, ",U19923,", ",,", "line 9, column PCN_CODE: a value is required here"),
    ],
)
def test_bad_real_rows_name_file_line_and_column(app, nhs_data, tmp_path, line, old, new, message):
    path = corrupt(nhs_data, tmp_path, line, old, new)
    with app.app_context():
        with pytest.raises(IngestError) as error:
            load_paths("telephony", [path])
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(TelephonyCount))
    assert str(error.value).startswith(f"{path.name}, {message}")
    assert stored == 0


def test_bad_member_of_a_zip_loads_nothing(app, nhs_data, tmp_path):
    """Every file of a month is read and checked before any is stored."""
    bad = corrupt(nhs_data, tmp_path, 40, ",22.0", ",22.O")
    archive = tmp_path / "June 2026.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(nhs_data / ANSWERED, "a_" + ANSWERED.split("/")[-1])
        zipped.write(bad, "b_" + bad.name)
    with app.app_context():
        with pytest.raises(IngestError) as error:
            load_paths("telephony", [archive])
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(TelephonySharedCount))
    assert str(error.value) == f"b_{bad.name}, line 40, column VALUE: '22.O' is not a whole number"
    assert stored == 0
