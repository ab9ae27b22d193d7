"""Cloud Based Telephony on small files in the published layouts (see test_telephony_real.py
for the real files): "By Durations" `Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,
PRACTICE_CODE,Indicator,Duration,Value`, "By Day and Time" (`Time_Category`) and "Calls
Answered Metric" (`Wait_Time,Core_Category`), one row per day, `PRACTICE_CODE = Unassigned`
for shared phone accounts. The figures are invented; the band labels of ROWS are free text."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import benchmarks, load_paths
from portal.ingest.base import IngestError
from portal.models import (
    DatasetCoverage,
    GroupMetric,
    Icb,
    Pcn,
    Practice,
    PracticeMetric,
    Region,
    SubIcb,
    TelephonyBreakdown,
    TelephonyCount,
)

GEOGRAPHY = "Y58,QVV,11J,U10000"
HEADER = "Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,Indicator,Duration,Value\n"
ROWS = [
    # A81001: totals for CBT001/2/4/5/6, answered by wait band and by call length
    ("A81001", "CBT001", "TOTAL", "1000.0"),
    ("A81001", "CBT002", "TOTAL", "50.0"),
    ("A81001", "CBT003", "Under 1 minute", "500.0"),
    ("A81001", "CBT003", "1 to 2 minutes", "250.0"),
    ("A81001", "CBT003", "Over 2 minutes", "100.0"),
    ("A81001", "CBT004", "TOTAL", "100.0"),
    ("A81001", "CBT005", "TOTAL", "60.0"),
    ("A81001", "CBT006", "TOTAL", "55.0"),
    ("A81001", "CBT007", "Under 2 minutes", "400.0"),
    ("A81001", "CBT007", "Over 2 minutes", "450.0"),
    # A81002: one answered band suppressed, so its answered total (and rate) is missing
    ("A81002", "CBT001", "TOTAL", "400.0"),
    ("A81002", "CBT003", "Under 1 minute", "300.0"),
    ("A81002", "CBT003", "1 to 2 minutes", "*"),
    ("A81002", "CBT004", "TOTAL", "20.0"),
]


def fixture(path, rows=ROWS, date="2025-10-01", header=HEADER, geography=GEOGRAPHY) -> None:
    """A By Durations file of `rows` (practice, indicator, band, value), one day."""
    lines = [f"{date},{geography},{code},{ind},{band},{value}\n" for code, ind, band, value in rows]
    path.write_text(header + "".join(lines))


def values(metric: str) -> dict[str, float | None]:
    t = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.practice_code, t.c.value).where(t.c.metric == metric, t.c.period == "2025-10")
    )
    return dict(rows.all())


def group(metric: str, level: str, code: str) -> GroupMetric | None:
    return db.session.get(GroupMetric, (metric, "2025-10", level, code))


def table_state() -> tuple:
    t = TelephonyCount.__table__
    return db.session.execute(sa.select(sa.func.count(), sa.func.sum(t.c.calls))).one()


def test_fixture_metrics_bands_and_suppression(app, tmp_path):
    path = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y58.csv"
    fixture(path)
    with app.app_context():
        results = load_paths("telephony", [path])
        inbound, answered = values("calls_inbound"), values("calls_answered_rate")
        missed, requested = values("calls_missed"), values("callbacks_requested")
        suppressed = db.session.get(
            TelephonyCount, ("A81002", "2025-10", "CBT003", "1 to 2 minutes")
        )
        total = db.session.get(TelephonyCount, ("A81001", "2025-10", "CBT001", ""))
        england = group("calls_inbound", "england", "ENG")
    assert results[0].period == "2025-10" and results[0].rows_loaded == len(ROWS)
    assert inbound == {"A81001": 1000, "A81002": 400}
    assert answered["A81001"] == pytest.approx((500 + 250 + 100) / 1000 * 100)
    assert answered["A81002"] is None  # a suppressed band: missing, never a smaller total
    assert missed == {"A81001": 100, "A81002": 20}
    # A81002 has no CBT005 rows: the files omit bands with no calls, so zero, not "no data"
    assert requested == {"A81001": 60, "A81002": 0}
    assert suppressed.calls is None and total.calls == 1000  # TOTAL stored as the '' band
    assert england.value == 1400


def test_days_sum_into_the_month(app, tmp_path):
    path = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y58.csv"
    fixture(path, ROWS[:10])
    days = path.read_text() + "".join(
        f"2025-10-{day:02d},{GEOGRAPHY},A81001,CBT001,TOTAL,{day}.0\n" for day in (2, 3, 31)
    )
    path.write_text(days)
    with app.app_context():
        load_paths("telephony", [path])
        assert values("calls_inbound") == {"A81001": 1000 + 2 + 3 + 31}


def hierarchy() -> None:
    """Region Y58 > ICB QVV > sub-ICB 11J > PCNs U10000 (A81001) and U20000 (A81002)."""
    db.session.add_all(
        [
            Region(code="Y58", name="SOUTH WEST"),
            Icb(code="QVV", name="NHS DORSET ICB", region_code="Y58"),
            SubIcb(code="11J", name="DORSET", icb_code="QVV"),
            Pcn(code="U10000", name="ONE PCN", sub_icb_code="11J"),
            Pcn(code="U20000", name="TWO PCN", sub_icb_code="11J"),
            Practice(code="A81001", name="ONE", pcn_code="U10000", sub_icb_code="11J"),
            Practice(code="A81002", name="TWO", pcn_code="U20000", sub_icb_code="11J"),
        ]
    )
    db.session.commit()


SHARED = [  # geography, inbound, answered
    ("Y58,QVV,11J,U10000", 70, 50),  # a PCN's shared account
    ("Y58,QVV,11J,Unmapped", 30, 20),  # known down to the sub-ICB
    ("Unmapped,Unmapped,Unmapped,Unmapped", 9, 5),  # England only
]


def test_unassigned_rows_count_at_every_group_level_they_fill(app, tmp_path):
    path = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y58.csv"
    fixture(path)
    shared = "".join(
        f"2025-10-01,{where},Unassigned,CBT001,TOTAL,{inbound}.0\n"
        f"2025-10-01,{where},Unassigned,CBT003,1_30,{answered}.0\n"
        for where, inbound, answered in SHARED
    )
    path.write_text(path.read_text() + shared)
    with app.app_context():
        hierarchy()
        load_paths("telephony", [path])
        inbound = values("calls_inbound")
        got = {
            (level, code): group("calls_inbound", level, code).value
            for level, code in [("pcn", "U10000"), ("pcn", "U20000"), ("sub_icb", "11J"),
                                ("icb", "QVV"), ("region", "Y58"), ("england", "ENG")]
        }  # fmt: skip
        pcn = group("calls_inbound", "pcn", "U10000")
        rate = group("calls_answered_rate", "england", "ENG")
        with db.engine.begin() as conn:  # after a hierarchy change, as ODS loads do
            benchmarks.refresh_all(conn)
        after = group("calls_inbound", "england", "ENG").value
    assert inbound == {"A81001": 1000, "A81002": 400}  # never at a practice
    assert got == {
        ("pcn", "U10000"): 1000 + 70,
        ("pcn", "U20000"): 400,
        ("sub_icb", "11J"): 1400 + 70 + 30,
        ("icb", "QVV"): 1400 + 70 + 30,
        ("region", "Y58"): 1400 + 70 + 30,
        ("england", "ENG"): 1400 + 70 + 30 + 9,
    }
    assert pcn.practices == 1  # shared accounts are not practices
    # A81002's answered total is suppressed, so only A81001 and the shared accounts count
    assert rate.numerator == 850 + 50 + 20 + 5 and rate.denominator == 1000 + 70 + 30 + 9
    assert after == got[("england", "ENG")]


DAY_AND_TIME = "Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,Indicator,Time_Category,Value\n"
CORE = "Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,Indicator,Wait_Time,Core_Category,Value\n"


def test_each_fact_has_one_source_file(app, tmp_path):
    """By Durations and By Day and Time both carry CBT001: totals come from By Durations;
    By Day and Time's only where a practice has no By Durations rows."""
    durations = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y58.csv"
    fixture(durations, ROWS[:10])
    times = tmp_path / "Cloud Based Telephony By Day and Time - October 2025_Y58.csv"
    times.write_text(
        DAY_AND_TIME
        + f"2025-10-01,{GEOGRAPHY},A81001,CBT001,08:00-09:59,600.0\n"
        + f"2025-10-01,{GEOGRAPHY},A81001,CBT001,10:00-11:59,400.0\n"
        + f"2025-10-01,{GEOGRAPHY},A81003,CBT001,08:00-09:59,70.0\n"
        + f"2025-10-01,{GEOGRAPHY},A81003,CBT003,08:00-09:59,35.0\n"
    )
    core = tmp_path / "Cloud Based Telephony Calls Answered Metric - October 2025_Y58.csv"
    core.write_text(
        CORE
        + f"2025-10-01,{GEOGRAPHY},A81001,CBT003,1_30,Core_8_10,800.0\n"
        + f"2025-10-01,{GEOGRAPHY},A81004,CBT003,1_30,Non-Core,12.0\n"
    )
    with app.app_context():
        results = load_paths("telephony", [tmp_path])
        inbound, answered = values("calls_inbound"), values("calls_answered_rate")
        t = TelephonyBreakdown.__table__
        kept = db.session.execute(
            sa.select(t.c.practice_code, t.c.breakdown, sa.func.sum(t.c.calls)).group_by(
                t.c.practice_code, t.c.breakdown
            )
        ).all()
        england = group("calls_inbound", "england", "ENG")
    assert sorted(r.source_file for r in results) == sorted(
        p.name for p in (durations, times, core)
    )
    assert inbound == {"A81001": 1000, "A81003": 70, "A81004": None}
    assert answered["A81001"] == pytest.approx(85.0)  # By Durations' 850, not the core file's 800
    assert answered["A81003"] == pytest.approx(50.0)
    assert sorted(kept) == [("A81001", "core", 800), ("A81001", "time", 1000),
                            ("A81003", "time", 105), ("A81004", "core", 12)]  # fmt: skip
    assert england.value == 1070


def test_regional_files_replace_only_their_practices(app, tmp_path):
    london = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y56.csv"
    north = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y63.csv"
    fixture(london, ROWS[:10], geography="Y56,QMJ,93C,U10000")
    fixture(north, ROWS[10:], geography="Y63,QHM,13T,U20000")
    north.write_text(
        north.read_text() + "2025-10-01,Y63,QHM,13T,U20000,Unassigned,CBT001,TOTAL,5\n"
    )
    with app.app_context():
        load_paths("telephony", [london, north])
        assert values("calls_inbound") == {"A81001": 1000, "A81002": 400}
        assert group("calls_inbound", "england", "ENG").value == 1405
        load_paths("telephony", [london])  # reloading one region keeps the other
        assert values("calls_inbound") == {"A81001": 1000, "A81002": 400}
        assert group("calls_inbound", "england", "ENG").value == 1405
        load_paths("telephony", [north])  # and a region's reload replaces its shared rows
        assert group("calls_inbound", "england", "ENG").value == 1405


def good_then_bad(app, tmp_path, bad_rows=ROWS, **kwargs) -> IngestError:
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    fixture(good)
    fixture(bad, bad_rows, **kwargs)
    with app.app_context():
        load_paths("telephony", [good])
        before = (table_state(), values("calls_inbound"))
        with pytest.raises(IngestError) as error:
            load_paths("telephony", [bad])
        assert (table_state(), values("calls_inbound")) == before
    return error.value


def test_missing_column(app, tmp_path):
    error = good_then_bad(app, tmp_path, header=HEADER.replace(",Value", ",Count"))
    assert str(error) == (
        "bad.csv, line 1, column VALUE: missing column(s) VALUE; is this a cloud telephony file?"
    )


def test_unknown_layout(app, tmp_path):
    error = good_then_bad(app, tmp_path, header=HEADER.replace(",Duration,", ",Band,"))
    assert str(error) == (
        "bad.csv, line 1: not a Cloud Based Telephony file: no Duration, Time_Category or "
        "Wait_Time and Core_Category column"
    )


def test_unparseable_value(app, tmp_path):
    rows = [*ROWS[:3], ("A81001", "CBT003", "1 to 2 minutes", "2,50"), *ROWS[4:]]
    error = good_then_bad(app, tmp_path, rows)
    assert str(error).startswith("bad.csv, line 5")


def test_fractional_value(app, tmp_path):
    rows = [*ROWS[:3], ("A81001", "CBT003", "1 to 2 minutes", "250.5"), *ROWS[4:]]
    error = good_then_bad(app, tmp_path, rows)
    assert str(error) == "bad.csv, line 5, column VALUE: '250.5' is not a whole number"


def test_unknown_indicator(app, tmp_path):
    error = good_then_bad(app, tmp_path, [*ROWS, ("A81003", "CBT099", "TOTAL", "5")])
    assert str(error) == (
        f"bad.csv, line {len(ROWS) + 2}, column INDICATOR: 'CBT099' is not a Cloud Based "
        "Telephony indicator (CBT001, CBT002, CBT003, CBT004, CBT005, CBT006, CBT007)"
    )


def test_repeated_key(app, tmp_path):
    error = good_then_bad(app, tmp_path, [*ROWS, ("A81001", "CBT001", "TOTAL", "999")])
    assert str(error) == (
        f"bad.csv, line {len(ROWS) + 2}: repeated key (date=2025-10-01, practice_code=A81001, "
        "region_code=Y58, icb_code=QVV, sub_icb_code=11J, pcn_code=U10000, indicator=CBT001, "
        "band=, category=)"
    )


def test_mixed_months(app, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    fixture(good)
    fixture(bad)
    text = bad.read_text().splitlines(keepends=True)
    text[3] = text[3].replace("2025-10-01", "2025-11-01")
    bad.write_text("".join(text))
    with app.app_context():
        load_paths("telephony", [good])
        before = table_state()
        with pytest.raises(IngestError) as error:
            load_paths("telephony", [bad])
        assert table_state() == before
    assert str(error.value) == "bad.csv, column DATE: the file mixes periods 2025-10, 2025-11"


def test_loading_twice_changes_nothing(app, tmp_path):
    path = tmp_path / "cbt.csv"
    fixture(path)
    with app.app_context():
        first = load_paths("telephony", [path])
        before = (table_state(), values("calls_answered_rate"))
        second = load_paths("telephony", [path])
        assert (table_state(), values("calls_answered_rate")) == before
    assert (first[0].replaced, second[0].replaced) == (False, True)


def summary_workbook(path, included=(4649, 4438)) -> None:
    """A Publication Summary in the real Table 1 layout (labels in column B, months on row 8)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Table 1"
    sheet["A7"] = "Table 1: Summary of Cloud based telephony calls by month, England"
    sheet["C8"], sheet["D8"] = datetime(2025, 10, 1), datetime(2025, 9, 30)
    sheet["A10"], sheet["B10"] = "Coverage", "Open active practices"
    sheet["C10"], sheet["D10"] = 6220, 6221
    sheet["B11"] = "Count of practices included"
    sheet["C11"], sheet["D11"] = included
    workbook.save(path)


def test_summary_coverage_and_its_errors(app, tmp_path):
    good = tmp_path / "Cloud Based Telephony Publication Summary October 2025.xlsx"
    summary_workbook(good)
    bad = tmp_path / "bad.xlsx"
    summary_workbook(bad, included=(4649, "n/a"))
    with app.app_context():
        results = load_paths("telephony", [good])
        stored = db.session.execute(
            sa.select(DatasetCoverage.period, DatasetCoverage.practices_included,
                      DatasetCoverage.practices_open).order_by(DatasetCoverage.period)
        ).all()  # fmt: skip
        with pytest.raises(IngestError) as error:
            load_paths("telephony", [bad])
    assert [tuple(row) for row in stored] == [("2025-09", 4438, 6221), ("2025-10", 4649, 6220)]
    assert (results[0].period, results[0].rows_loaded) == ("2025-10", 2)
    assert str(error.value) == (
        "bad.xlsx, line 11, column D: 'n/a' is not a count of practices (Table 1)"
    )
