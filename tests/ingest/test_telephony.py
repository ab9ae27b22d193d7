"""Cloud Based Telephony. No published file could be obtained: every fixture here is BUILT TO
THE DOCUMENTED LAYOUT (DESIGN.md section 5: long format per region, `Date, PRACTICE_CODE,
PCN_CODE, SUB_ICB_LOCATION_CODE, Indicator, <band>, Value`, indicators CBT001-CBT007, column
names with stray spaces), not taken from a real file."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import GroupMetric, PracticeMetric, TelephonyCount

HEADER = "Date, PRACTICE_CODE ,PCN_CODE,SUB_ICB_LOCATION_CODE, Indicator ,Wait Time Band, Value\n"
ROWS = [
    # A81001: totals published for CBT001/2/4/5/6, answered by wait band only
    ("A81001", "CBT001 - Inbound calls", "", "1000"),
    ("A81001", "CBT002", "", "50"),
    ("A81001", "CBT003", "Under 1 minute", "500"),
    ("A81001", "CBT003", "1 to 2 minutes", "250"),
    ("A81001", "CBT003", "Over 2 minutes", "100"),
    ("A81001", "CBT004", "", "100"),
    ("A81001", "CBT005", "", "60"),
    ("A81001", "CBT006", "", "55"),
    ("A81001", "CBT007", "Under 2 minutes", "400"),
    ("A81001", "CBT007", "Over 2 minutes", "450"),
    # A81002: one answered band suppressed, so its answered total (and rate) is missing
    ("A81002", "CBT001", "Total", "400"),
    ("A81002", "CBT003", "Under 1 minute", "300"),
    ("A81002", "CBT003", "1 to 2 minutes", "*"),
    ("A81002", "CBT004", "", "20"),
]


def fixture(path, rows=ROWS, date="01/10/2025", header=HEADER) -> None:
    lines = [f"{date},{code},U10000,16C,{ind},{band},{value}\n" for code, ind, band, value in rows]
    path.write_text(header + "".join(lines))


def values(metric: str) -> dict[str, float | None]:
    t = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.practice_code, t.c.value).where(t.c.metric == metric, t.c.period == "2025-10")
    )
    return dict(rows.all())


def table_state() -> tuple:
    t = TelephonyCount.__table__
    return db.session.execute(sa.select(sa.func.count(), sa.func.sum(t.c.calls))).one()


def test_fixture_metrics_bands_and_suppression(app, tmp_path):
    path = tmp_path / "CBT_Practice_Level_2025-10_London.csv"
    fixture(path)
    with app.app_context():
        results = load_paths("telephony", [path])
        inbound, answered, missed = (
            values("calls_inbound"),
            values("calls_answered_rate"),
            values("calls_missed"),
        )
        requested, made = values("callbacks_requested"), values("callbacks_made")
        suppressed = db.session.get(
            TelephonyCount, ("A81002", "2025-10", "CBT003", "1 to 2 minutes")
        )
        england = db.session.get(GroupMetric, ("calls_inbound", "2025-10", "england", "ENG"))
    assert results[0].period == "2025-10" and results[0].rows_loaded == len(ROWS)
    assert inbound == {"A81001": 1000, "A81002": 400}
    assert answered["A81001"] == pytest.approx((500 + 250 + 100) / 1000 * 100)
    assert answered["A81002"] is None  # a suppressed band: missing, never a smaller total
    assert missed == {"A81001": 100, "A81002": 20}
    assert requested == {"A81001": 60, "A81002": None}  # no CBT005 rows: no data, not zero
    assert made["A81001"] == 55
    assert suppressed.calls is None
    assert england.value == 1400


def test_regional_files_replace_only_their_practices(app, tmp_path):
    london, north = tmp_path / "CBT_2025-10_London.csv", tmp_path / "CBT_2025-10_North.csv"
    fixture(london, ROWS[:10])
    fixture(north, ROWS[10:])
    with app.app_context():
        load_paths("telephony", [london, north])
        assert values("calls_inbound") == {"A81001": 1000, "A81002": 400}
        load_paths("telephony", [london])  # reloading one region keeps the other
        assert values("calls_inbound") == {"A81001": 1000, "A81002": 400}


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
    error = good_then_bad(app, tmp_path, header=HEADER.replace(" Value", " Count"))
    assert str(error) == (
        "bad.csv, line 1, column VALUE: missing column(s) VALUE; is this a cloud telephony file?"
    )


def test_unparseable_value(app, tmp_path):
    rows = [*ROWS[:3], ("A81001", "CBT003", "1 to 2 minutes", "2,50"), *ROWS[4:]]
    error = good_then_bad(app, tmp_path, rows)
    assert str(error).startswith("bad.csv, line 5")


def test_unknown_indicator(app, tmp_path):
    error = good_then_bad(app, tmp_path, [*ROWS, ("A81003", "CBT099", "", "5")])
    assert str(error) == (
        f"bad.csv, line {len(ROWS) + 2}, column INDICATOR: 'CBT099' is not a Cloud Based "
        "Telephony indicator (CBT001, CBT002, CBT003, CBT004, CBT005, CBT006, CBT007)"
    )


def test_repeated_key(app, tmp_path):
    error = good_then_bad(app, tmp_path, [*ROWS, ("A81001", "CBT001", "", "999")])
    assert str(error) == (
        f"bad.csv, line {len(ROWS) + 2}: repeated key "
        "(practice_code=A81001, indicator=CBT001, band=)"
    )


def test_mixed_months(app, tmp_path):
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    fixture(good)
    fixture(bad)
    text = bad.read_text().splitlines(keepends=True)
    text[3] = text[3].replace("01/10/2025", "01/11/2025")
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
