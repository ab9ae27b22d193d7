"""The demo writes GPAD, online consultation and telephony files in the real layouts and loads
them as synthetic."""

from __future__ import annotations

import csv
import gzip
import zipfile
from datetime import date

import numpy as np

from portal.ingest import demo, load_paths
from portal.ingest.demo import load_demo, write_files
from portal.ingest.demo_activity import write_activity
from portal.queries.appointments import practice_appointments
from portal.queries.online_consultations import practice_online_consultations
from portal.queries.telephony import practice_telephony
from tests.accounts_support import add_practices
from tests.ingest.test_telephony_real import ANSWERED, DURATIONS


def header(path) -> list[str]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", newline="") as handle:
        return next(csv.reader(handle))


def test_demo_activity_files_use_the_real_headers(tmp_path, nhs_data):
    files = write_files(tmp_path, practices=40, months=3, seed=3)
    real_gpad = nhs_data / "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"
    assert header(files["gpad"][0]) == header(real_gpad)
    real_oc = header(nhs_data / "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz")
    assert set(header(files["online-consultations"][0])) <= set(real_oc)
    real_times = header(nhs_data / "online_consultations/OC_by_day_and_time_2025-08.csv.gz")
    assert set(header(files["online-consultations"][-1])) <= set(real_times)
    real_cbt = nhs_data / "telephony/Cloud Based Telephony By Durations - June 2026_Y58.csv"
    with zipfile.ZipFile(files["telephony"][0]) as zipped:  # a month's zip of regional files
        members = zipped.namelist()
        first = zipped.read(members[0]).decode().splitlines()[0].split(",")
    assert first == header(real_cbt)
    assert members[-1] == "Cloud Based Telephony By Durations - October 2025_Unmapped.csv"
    assert "8  to 14 Days" in files["gpad"][0].read_text()


def test_demo_activity_loads_as_synthetic(app, tmp_path):
    with app.app_context():
        load_demo(practices=40, months=3, seed=3, folder=tmp_path)
        appointments = practice_appointments("A81001", months=24)
        consultations = practice_online_consultations("A81001", months=24)
        telephony = practice_telephony("A81001", months=24)
    assert appointments.synthetic and consultations.synthetic and telephony.synthetic
    assert [m.period for m in appointments.trend] == ["2025-10", "2025-11", "2025-12"]
    assert appointments.source == "Appointments in General Practice, December 2025"
    per_1000 = next(b for b in appointments.metrics if b.figure.metric == "appointments_per_1000")
    assert 100 < per_1000.figure.value < 1500
    assert consultations.times is not None and consultations.times.period == "2025-12"
    assert telephony.month.indicators[0].calls > 0


def test_demo_telephony_writes_every_file_kind_in_the_real_layouts(app, tmp_path, nhs_data):
    """Months from June 2026 get a Calls Answered Metric zip, the latest month a By Day and Time
    zip, in the real layouts: loaded, a practice's answered calls by core hours add up to its
    By Durations answered calls, and its inbound calls by time of day to its inbound calls."""
    rng = np.random.default_rng(5)
    icbs, sub_icbs, pcns, practices = demo.build_england(40, rng)
    months = [date(2026, 5, 1), date(2026, 6, 1)]
    sizes = {(p.code, m): 6000 for p in practices for m in months}
    england = demo.SyntheticEngland(icbs, sub_icbs, pcns, practices, months, sizes)
    files = write_activity(tmp_path, england, rng)["telephony"]
    assert [f.name for f in files] == [
        "Cloud Based Telephony By Durations - May 2026.zip",
        "Cloud Based Telephony By Durations - June 2026.zip",
        "Cloud Based Telephony By Day and Time - June 2026.zip",
        "Cloud Based Telephony Calls Answered Metric - June 2026.zip",
    ]
    real = header(nhs_data / ANSWERED)
    durations = header(nhs_data / DURATIONS)
    for archive, expected in ((files[2], [*durations[:-2], "Time_Category", "Value"]),
                              (files[3], real)):  # fmt: skip
        with zipfile.ZipFile(archive) as zipped:
            first = zipped.read(zipped.namelist()[0]).decode().splitlines()[0].split(",")
        assert first == expected
    add_practices(app, *(p.code for p in england.open_practices()))
    with app.app_context():
        load_paths("telephony", files)
        shown = [practice_telephony(p.code) for p in england.open_practices()]
    shown = [t for t in shown if t is not None]
    assert shown
    for telephony in shown:
        month = telephony.month
        totals = {i.code: i.calls for i in month.indicators}
        assert sum(s.count for s in month.inbound_by_time) == totals["CBT001"]
        order = ["Core_8_10", "Core_10_1830", "Non-Core"]
        by_hours = [h.category for h in month.answered_by_hours]
        assert by_hours == [c for c in order if c in by_hours]
        assert (
            sum(s.count for h in month.answered_by_hours for s in h.answered_by_wait)
            == totals["CBT003"]
        )
