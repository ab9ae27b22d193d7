"""Query layer for appointments, online consultations and telephony: figures with period,
source and synthetic flag, benchmarks, breakdowns and trends. Real-data expectations are
computed here from the published files; telephony uses a fixture built to the documented
layout (no real file exists)."""

from __future__ import annotations

import pandas as pd
import pytest

from portal.extensions import db
from portal.ingest import load_paths
from portal.models import Practice
from portal.models.appointments import LEAD_TIMES
from portal.queries.appointments import METRIC_IDS, practice_appointments
from portal.queries.online_consultations import practice_online_consultations
from portal.queries.telephony import practice_telephony
from tests.ingest.test_gpad import practice_rates, published
from tests.ingest.test_telephony import fixture

OC = "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz"


@pytest.mark.realdata
def test_practice_appointments_from_real_file(real_app, nhs_data):
    rates = practice_rates(published(nhs_data))
    code = rates.index[0]
    row = rates.loc[code]
    with real_app.app_context():
        result = practice_appointments(code, months=6)
        assert practice_appointments("ZZ9999") is None
        assert practice_appointments(code, period="2025-09") is None
    assert (result.period, result.synthetic) == ("2025-10", False)
    assert result.source == "Appointments in General Practice, October 2025"
    metrics = {b.figure.metric: b for b in result.metrics}
    assert list(metrics) == METRIC_IDS
    # no list size for October 2025 is loaded, so no per-1,000 rate: missing, never zero
    assert metrics["appointments_per_1000"].figure.value is None
    assert metrics["appointments_per_1000"].figure.display == "not available"
    dna = metrics["dna_rate"]
    assert dna.figure.value == pytest.approx(row["dna"] / row["total"] * 100)
    assert dna.figure.source == result.source and dna.figure.period == "2025-10"
    assert 0 < dna.percentile <= 100 and dna.in_distribution
    england = next(g for g in dna.groups if g.level == "england")
    assert england.value == pytest.approx(rates["dna"].sum() / rates["total"].sum() * 100)
    assert [g.level for g in dna.groups][-1] == "england" and len(dna.groups) >= 4
    assert [s.label for s in result.breakdown.by_lead_time] == list(LEAD_TIMES)
    assert sum(s.count for s in result.breakdown.by_status) == row["total"]
    assert sum(s.count for s in result.breakdown.by_lead_time) == row["total"]
    gp = next(s for s in result.breakdown.by_hcp_type if s.label == "GP")
    assert gp.percent == pytest.approx(row["gp"] / row["total"] * 100)
    assert [m.period for m in result.trend] == ["2025-10"]
    assert result.trend[0].total == row["total"]
    assert result.trend[0].values["dna_rate"] == pytest.approx(dna.figure.value)


@pytest.mark.realdata
def test_practice_online_consultations_from_real_file(real_app, nhs_data):
    frame = pd.read_csv(nhs_data / OC, dtype=str, keep_default_na=False)
    code = frame["GP_CODE"].iloc[0]
    mine = frame[frame["GP_CODE"] == code].pivot(index="MONTH", columns="METRIC", values="VALUE")
    mine = mine.astype(float).sort_index()
    with real_app.app_context():
        result = practice_online_consultations(code, months=6)
        earlier = practice_online_consultations(code, months=3, period="2024-06")
    last = mine.iloc[-1]
    assert result.period == mine.index[-1][:7]
    assert result.source.startswith("Submissions via Online Consultation Systems")
    assert [m.period for m in result.trend] == [m[:7] for m in mine.index[-6:]]
    rate = next(b for b in result.metrics if b.figure.metric == "oc_rate_per_1000")
    expected = last["OC_TOTAL_SUBMISSIONS"] / last["PATIENTS_REGISTERED"] * 1000
    assert rate.figure.value == pytest.approx(expected)
    assert result.month.submissions == last["OC_TOTAL_SUBMISSIONS"]
    assert sum(s.count for s in result.by_type) == (
        last["OC_SUBMISSION_TYPE_CLINICAL"]
        + last["OC_SUBMISSION_TYPE_ADMIN"]
        + last["OC_SUBMISSION_TYPE_OTHER"]
    )
    assert [m.period for m in earlier.trend] == ["2024-04", "2024-05", "2024-06"]


def test_practice_telephony_on_documented_layout_fixture(app, tmp_path):
    path = tmp_path / "CBT_2025-10.csv"
    fixture(path)
    with app.app_context():
        db.session.add(Practice(code="A81001", name="THE DENSHAM SURGERY"))
        db.session.commit()
        load_paths("telephony", [path])
        result = practice_telephony("a81001", months=12)
        assert practice_telephony("A81002") is None  # not a known practice here
    totals = {i.code: i.calls for i in result.month.indicators}
    assert totals == {"CBT001": 1000, "CBT002": 50, "CBT003": 850, "CBT004": 100,
                      "CBT005": 60, "CBT006": 55, "CBT007": 850}  # fmt: skip
    assert result.source == "Cloud Based Telephony Data in General Practice, October 2025"
    answered = next(b for b in result.metrics if b.figure.metric == "calls_answered_rate")
    assert answered.figure.value == pytest.approx(85.0)
    wait = {s.label: s.percent for s in result.month.answered_by_wait}
    assert wait["Under 1 minute"] == pytest.approx(500 / 850 * 100)
    assert [m.period for m in result.trend] == ["2025-10"]
