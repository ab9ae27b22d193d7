"""Telephony band codes as people read them: June 2026's real By Durations file (South West
excerpt) writes waits as `0`, `1_30` … `>300` seconds and call lengths as `0_10` … `>300`; the
query layer labels them once ("0 s", "1–30 s", "2–3 min", "over 5 min"), in order of time,
with the file's counts (summed here with pandas); inbound calls by time of day and, from June
2026, answered calls by wait in each part of the day, the wait tables noting the method change."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.ingest import load_paths
from portal.queries.area_view import area_view
from portal.queries.practices import get_practice
from portal.queries.telephony import band_label, practice_telephony
from portal.series_breaks import BREAKS
from tests.accounts_support import add_practices
from tests.ingest.test_telephony_real import ANSWERED, DURATIONS

WAITS = ["0 s", "1–30 s", "31–60 s", "61–90 s", "91–120 s", "2–3 min", "3–4 min", "4–5 min",
         "over 5 min"]  # fmt: skip
LENGTHS = ["0–10 s", "11–30 s", "31–60 s", "61–90 s", "91–120 s", "2–3 min", "3–4 min",
           "4–5 min", "over 5 min"]  # fmt: skip


def test_band_codes_become_readable_labels():
    codes = ["0", "1_30", "31_60", "61_90", "91_120", "121_180", "181_240", "241_300", ">300"]
    assert [band_label(c) for c in codes] == WAITS
    assert band_label("0_10") == "0–10 s"
    assert band_label("Under 1 minute") == "Under 1 minute"  # text that is not a code: as is


def test_real_month_bands_in_order_with_the_files_counts(app, nhs_data):
    frame = pd.read_csv(nhs_data / DURATIONS, dtype={"Value": float})
    code = "J81002"
    mine = frame[frame["PRACTICE_CODE"] == code]
    add_practices(app, code)
    with app.app_context():
        load_paths("telephony", [nhs_data / DURATIONS])
        month = practice_telephony(code).month
    for shares, indicator, labels in (
        (month.answered_by_wait, "CBT003", WAITS),
        (month.answered_by_length, "CBT007", LENGTHS),
    ):
        sums = mine[mine["Indicator"] == indicator].groupby("Duration")["Value"].sum()
        expected = {band_label(band): value for band, value in sums.items()}
        assert [s.label for s in shares] == [label for label in labels if label in expected]
        assert {s.label: s.count for s in shares} == expected
        assert len({s.label for s in shares}) == len(shares) >= 8


# The real Calls Answered Metric excerpt holds only shared-account rows (`Unassigned`, geography
# `Unmapped`): these tests give them J81002's code and geography (from the By Durations excerpt)
# so that a practice has the file's bands. No By Day and Time file is published here: the one
# below is written in its real layout (SOURCES.md) with the real time bands.
PLACE = ["Y58", "QVV", "11J", "U19923", "J81002"]
TIMES = (
    "Date,REGION_CODE,ICB_CODE,SUB_ICB_LOCATION_CODE,PCN_CODE,PRACTICE_CODE,Indicator,"
    "Time_Category,Value\n"
    + "".join(
        f"2026-06-0{day},Y58,QVV,11J,U19923,J81002,{code},{band},{calls}.0\n"
        for day, code, band, calls in [
            (1, "CBT001", "08:00-09:59", 120), (1, "CBT001", "10:00-11:59", 90),
            (1, "CBT001", "18:30-23:59", 4), (1, "CBT001", "00:00-05:59", 2),
            (2, "CBT001", "08:00-09:59", 101), (2, "CBT001", "18:00-18:29", 7),
            (1, "CBT003", "08:00-09:59", 80),
        ]
    )
)  # fmt: skip
TIME_BANDS = ["00:00-05:59", "08:00-09:59", "10:00-11:59", "18:00-18:29", "18:30-23:59"]


def practice_files(nhs_data, folder):
    """The real By Durations excerpt, the real Calls Answered rows as J81002's, and the By Day
    and Time file above; returns (Calls Answered rows as written, By Day and Time rows)."""
    answered = pd.read_csv(nhs_data / ANSWERED, dtype={"Value": float})
    columns = ["REGION_CODE", "ICB_CODE", "SUB_ICB_LOCATION_CODE", "PCN_CODE", "PRACTICE_CODE"]
    answered[columns] = PLACE
    answered.to_csv(folder / "Cloud Based Telephony Calls Answered Metric - June 2026_Y58.csv",
                    index=False)  # fmt: skip
    times = folder / "Cloud Based Telephony By Day and Time - June 2026_Y58.csv"
    times.write_text(TIMES)
    return answered, pd.read_csv(times, dtype={"Value": float})


def test_time_of_day_and_core_hours_bands_from_the_files(app, nhs_data, tmp_path):
    """Inbound calls by time of day (By Day and Time, summed over days) and answered calls by
    wait within each part of the day (Calls Answered Metric): each band's count is the files'
    sum, in order of time, and the wait tables say June 2026's method change."""
    answered, times = practice_files(nhs_data, tmp_path)
    add_practices(app, "J81002")
    with app.app_context():
        load_paths("telephony", [nhs_data / DURATIONS, tmp_path])
        data = practice_telephony("J81002")
        view = area_view(get_practice("J81002"), "telephony", 12)
    month = data.month
    inbound = times[times["Indicator"] == "CBT001"].groupby("Time_Category")["Value"].sum()
    assert [s.label for s in month.inbound_by_time] == TIME_BANDS == sorted(inbound.index)
    assert {s.label: s.count for s in month.inbound_by_time} == inbound.to_dict()
    assert sum(s.count for s in month.inbound_by_time) == 324
    assert [h.category for h in month.answered_by_hours] == ["Core_8_10", "Core_10_1830",
                                                             "Non-Core"]  # fmt: skip
    for hours in month.answered_by_hours:
        mine = answered[answered["Core_Category"] == hours.category]
        sums = mine.groupby("Wait_Time")["Value"].sum()
        expected = {band_label(band): value for band, value in sums.items()}
        assert [s.label for s in hours.answered_by_wait] == [w for w in WAITS if w in expected]
        assert {s.label: s.count for s in hours.answered_by_wait} == expected
        whole = sums.sum()
        assert [s.percent for s in hours.answered_by_wait] == pytest.approx(
            [expected[s.label] / whole * 100 for s in hours.answered_by_wait]
        )
    assert sum(s.count for h in month.answered_by_hours for s in h.answered_by_wait) == 43782
    by_name = {b.name: b for b in view.breakdowns}
    assert list(by_name) == [
        "calls_answered_by_wait",
        "calls_answered_by_length",
        "calls_inbound_by_time",
        "calls_answered_by_wait_core_early",
        "calls_answered_by_wait_core_day",
        "calls_answered_by_wait_non_core",
    ]
    (wait_break,) = [b for b in BREAKS if b.dataset == "telephony"]
    for name, b in by_name.items():
        assert b.period == "2026-06"
        assert b.notes == ([wait_break.note] if "wait" in name else [])
    assert by_name["calls_answered_by_wait_non_core"].title == "Wait outside core hours"


def test_months_before_the_wait_method_change_have_no_note(app, nhs_data, tmp_path):
    """A month before June 2026 (the excerpt's rows dated May) has no Calls Answered file and
    its wait table no note: the change is not within the months shown."""
    frame = pd.read_csv(nhs_data / DURATIONS, dtype=str)
    frame["Date"] = "2026-05-01"
    frame.to_csv(tmp_path / "Cloud Based Telephony By Durations - May 2026_Y58.csv", index=False)
    add_practices(app, "J81002")
    with app.app_context():
        load_paths("telephony", [tmp_path])
        view = area_view(get_practice("J81002"), "telephony", 12)
    assert view.activity.month.answered_by_hours == []
    assert view.activity.month.inbound_by_time == []
    assert [(b.name, b.notes) for b in view.breakdowns] == [
        ("calls_answered_by_wait", []),
        ("calls_answered_by_length", []),
    ]
