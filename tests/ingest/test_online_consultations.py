"""Online consultation submissions: real-file figures and bad input.

Expected figures are computed here from the published files in ../shared/nhs-data.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import (
    MetricDistribution,
    OnlineConsultation,
    OnlineConsultationTime,
    Practice,
    PracticeMetric,
)

LONG = "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz"
TIMES = "online_consultations/OC_by_day_and_time_2025-08.csv.gz"


def metric_values(metric: str, period: str) -> dict[str, float]:
    t = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.practice_code, t.c.value).where(t.c.metric == metric, t.c.period == period)
    )
    return dict(rows.all())


def published_month(nhs_data, month: str) -> pd.DataFrame:
    frame = pd.read_csv(nhs_data / LONG, dtype=str, keep_default_na=False)
    frame = frame[frame["MONTH"] == f"{month}-01"]
    return frame.pivot(index="GP_CODE", columns="METRIC", values="VALUE").astype(float)


@pytest.mark.realdata
def test_real_rate_per_1000_clinical_share_and_national_median(real_app, nhs_data):
    month = published_month(nhs_data, "2025-03")
    code = month.index[0]
    row = month.loc[code]
    with real_app.app_context():
        rate = metric_values("oc_rate_per_1000", "2025-03")
        clinical = metric_values("oc_clinical_share", "2025-03")
        submissions = metric_values("oc_submissions", "2025-03")
        median = db.session.get(MetricDistribution, ("oc_rate_per_1000", "2025-03")).median
        open_codes = set(
            db.session.execute(
                sa.select(Practice.code).where(Practice.status == "active", Practice.is_england)
            ).scalars()
        )
        stored = db.session.get(OnlineConsultation, (code, "2025-03"))
    expected = row["OC_TOTAL_SUBMISSIONS"] / row["PATIENTS_REGISTERED"] * 1000
    assert rate[code] == pytest.approx(expected)
    assert rate[code] == pytest.approx(row["OC_RATE_PER_1000_REGISTERED_PATIENTS"], abs=1e-4)
    if row["OC_TOTAL_SUBMISSIONS"] > 0:
        assert clinical[code] == pytest.approx(
            row["OC_SUBMISSION_TYPE_CLINICAL"] / row["OC_TOTAL_SUBMISSIONS"] * 100
        )
    assert submissions[code] == row["OC_TOTAL_SUBMISSIONS"]
    assert stored.patients_registered == row["PATIENTS_REGISTERED"]
    included = month[  # fewer than 5 submissions or patients: not ranked (issue 18)
        month.index.isin(open_codes)
        & (month["PATIENTS_REGISTERED"] >= 5)
        & (month["OC_TOTAL_SUBMISSIONS"] >= 5)
    ]
    assert len(included) > 2500
    assert median == pytest.approx(
        (included["OC_TOTAL_SUBMISSIONS"] / included["PATIENTS_REGISTERED"] * 1000).median()
    )


@pytest.mark.realdata
def test_real_supplier_names_and_all_months(real_app, nhs_data):
    frame = pd.read_csv(nhs_data / LONG, dtype=str, keep_default_na=False)
    several = frame[frame["SUPPLIER"].str.contains(",")].iloc[0]
    with real_app.app_context():
        row = db.session.get(OnlineConsultation, (several["GP_CODE"], several["MONTH"][:7]))
        periods = db.session.execute(
            sa.select(OnlineConsultation.period).distinct().order_by(OnlineConsultation.period)
        ).scalars()
        periods = list(periods)
    assert row.supplier == several["SUPPLIER"]
    assert periods == sorted({m[:7] for m in frame["MONTH"]})


@pytest.mark.realdata
def test_real_day_and_time_file(real_app, nhs_data):
    frame = pd.read_csv(nhs_data / TIMES, dtype=str, keep_default_na=False)
    code = frame["GP_CODE"].iloc[0]
    expected = frame.loc[frame["GP_CODE"] == code, "VALUE"].astype(int).sum()
    unknown = frame[frame["SUBMISSION_TIME"] == ""].iloc[0]
    with real_app.app_context():
        t = OnlineConsultationTime.__table__
        total = db.session.execute(
            sa.select(sa.func.sum(t.c.submissions)).where(
                t.c.practice_code == code, t.c.period == "2025-08"
            )
        ).scalar()
        cell = db.session.get(
            OnlineConsultationTime, (unknown["GP_CODE"], "2025-08", unknown["WEEKDAY"], "Unknown")
        )
    assert total == expected
    assert cell.submissions == int(unknown["VALUE"])


@pytest.fixture
def lines(nhs_data) -> list[str]:
    with gzip.open(nhs_data / LONG, "rt") as handle:
        return [next(handle) for _ in range(901)]


def write(path, lines) -> None:
    path.write_text("".join(lines))


def counts() -> tuple:
    t = OnlineConsultation.__table__
    return db.session.execute(sa.select(sa.func.count(), sa.func.sum(t.c.submissions))).one()


def good_then_bad(app, good, bad) -> IngestError:
    with app.app_context():
        load_paths("online-consultations", [good])
        before = (counts(), metric_values("oc_rate_per_1000", "2023-09"))
        with pytest.raises(IngestError) as error:
            load_paths("online-consultations", [bad])
        assert (counts(), metric_values("oc_rate_per_1000", "2023-09")) == before
    return error.value


@pytest.fixture
def good(lines, tmp_path):
    path = tmp_path / "OC_practice_level_2023-09.csv"
    write(path, lines)
    return path


def test_excerpt_loads_with_its_month(app, lines, good):
    assert {line.split(",")[0] for line in lines[1:]} == {"2023-09-01"}
    with app.app_context():
        results = load_paths("online-consultations", [good])
    assert [r.period for r in results] == ["2023-09"]


def test_missing_column(app, lines, good, tmp_path):
    bad = tmp_path / "bad.csv"
    write(bad, [line.replace(",METRIC,", ",MEASURE,") for line in lines])
    error = good_then_bad(app, good, bad)
    assert str(error) == (
        "bad.csv, line 1, column METRIC: missing column(s) METRIC; "
        "is this a GP online consultation file?"
    )


def test_unparseable_value(app, lines, good, tmp_path):
    bad = tmp_path / "bad.csv"
    head, _, _ = lines[30].rpartition(",")
    write(bad, [*lines[:30], head + ",1o5\n", *lines[31:]])
    error = good_then_bad(app, good, bad)
    assert str(error) == "bad.csv, line 31, column VALUE: '1o5' is not a number"


def test_repeated_key(app, lines, good, tmp_path):
    bad = tmp_path / "bad.csv"
    write(bad, [*lines, lines[12]])
    error = good_then_bad(app, good, bad)
    month, code = lines[12].split(",")[:2]
    metric = lines[12].rsplit(",", 2)[1]
    assert str(error) == (
        f"bad.csv, line {len(lines) + 1}: repeated key "
        f"(MONTH={month[:7]}, GP_CODE={code}, METRIC={metric})"
    )


def test_period_not_matching_name(app, lines, good, tmp_path):
    bad = tmp_path / "OC_practice_level_2023-10.csv"
    write(bad, lines)
    error = good_then_bad(app, good, bad)
    assert str(error) == (
        "OC_practice_level_2023-10.csv, column MONTH: the file is named for 2023-10 "
        "but holds 2023-09"
    )


def test_suppressed_value_is_missing_and_twice_changes_nothing(app, lines, tmp_path):
    index = next(i for i, line in enumerate(lines) if ",OC_TOTAL_SUBMISSIONS," in line)
    code = lines[index].split(",")[1]
    head, _, _ = lines[index].rpartition(",")
    path = tmp_path / "suppressed.csv"
    write(path, [*lines[:index], head + ",*\n", *lines[index + 1 :]])
    with app.app_context():
        first = load_paths("online-consultations", [path])
        row = db.session.get(OnlineConsultation, (code, "2023-09"))
        assert row.submissions is None
        assert code not in {
            c for c, v in metric_values("oc_rate_per_1000", "2023-09").items() if v is not None
        }
        before = counts()
        second = load_paths("online-consultations", [path])
        assert counts() == before
    assert (first[0].replaced, second[0].replaced) == (False, True)
