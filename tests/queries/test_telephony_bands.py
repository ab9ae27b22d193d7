"""Telephony band codes as people read them: June 2026's real By Durations file (South West
excerpt) writes waits as `0`, `1_30` … `>300` seconds and call lengths as `0_10` … `>300`; the
query layer labels them once ("0 s", "1–30 s", "2–3 min", "over 5 min"), in order of time,
with the file's counts (summed here with pandas)."""

from __future__ import annotations

import pandas as pd

from portal.ingest import load_paths
from portal.queries.telephony import band_label, practice_telephony
from tests.accounts_support import add_practices
from tests.ingest.test_telephony_real import DURATIONS

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
