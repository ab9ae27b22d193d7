"""NHS Payments to General Practice ingest, on the real 2021-22 file (BOM, title-case headings,
a trailing space, 77 columns)."""

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import PaymentLine, PaymentsPractice
from tests.annual_files import read, snapshot, stored_metric, write

REAL = "payments/nhs_payments_gp_21-22.csv"
NAME = "nhs_payments_gp_21-22.csv"
TOTAL = "Total NHS Payments to General Practice"
WEIGHTED = "Number of Weighted Patients (Last Known Figure)"
REGISTERED = "Number of Registered Patients (Last Known Figure)"


def small(nhs_data, tmp_path, rows=20):
    return write(read(nhs_data / REAL).head(rows), tmp_path / NAME, bom=True)


def test_real_file_per_weighted_patient_2021_22(app, nhs_data):
    source = read(nhs_data / REAL).set_index("Practice Code")
    row = source.loc["A81001"]
    per_weighted = float(row[TOTAL]) / float(row[WEIGHTED])
    with app.app_context():
        [result] = load_paths("payments", [nhs_data / REAL])
        assert (result.period, result.rows_loaded) == ("2021-22", len(source))
        assert stored_metric("payments_per_weighted", "A81001") == pytest.approx(per_weighted)
        # as published: the file's own average, to the penny
        assert round(per_weighted, 2) == float(row["Average payments per weighted patient"])
        assert stored_metric("payments_per_registered", "A81001") == pytest.approx(
            float(row[TOTAL]) / float(row[REGISTERED])
        )
        assert stored_metric("payments_total", "A81001") == float(row[TOTAL])
        # every money column kept under its heading as published, trailing space trimmed
        appraisal = db.session.get(PaymentLine, ("A81001", "2021-22", "Appraisal Costs"))
        assert appraisal.amount == float(row["Appraisal Costs "])
        money = [c for c in source.columns[16:] if not c.startswith(("Number of", "Average"))]
        lines = db.session.execute(
            sa.select(sa.func.count()).where(
                PaymentLine.practice_code == "A81001", PaymentLine.period == "2021-22"
            )
        ).scalar()
        assert lines == len(money)


def test_drifting_columns_load_by_name(app, nhs_data, tmp_path):
    frame = read(nhs_data / REAL).head(10)
    frame = frame.drop(columns=["Long Covid", "Practice Rurality"])
    frame = frame[list(reversed(frame.columns))]  # order means nothing
    frame["New Scheme 2023"] = "12.50"
    path = write(frame, tmp_path / "nhs-payments-gp-practice-2023-24.csv", bom=True)
    with app.app_context():
        [result] = load_paths("payments", [path])
        assert result.period == "2023-24"
        code = frame["Practice Code"].iloc[0]
        assert db.session.get(PaymentLine, (code, "2023-24", "New Scheme 2023")).amount == 12.5
        assert db.session.get(PaymentLine, (code, "2023-24", "Long Covid")) is None
        assert db.session.get(PaymentsPractice, (code, "2023-24")).total_payments == float(
            frame[TOTAL].iloc[0]
        )


def test_loading_twice_changes_nothing(app, nhs_data, tmp_path):
    path = small(nhs_data, tmp_path)
    with app.app_context():
        load_paths("payments", [path])
        before = snapshot(PaymentsPractice, PaymentLine)
        load_paths("payments", [path])
        assert snapshot(PaymentsPractice, PaymentLine) == before


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: f.assign(
                **{"Practice Code": f["Practice Code"].where(f.index != 7, f["Practice Code"][2])}
            ),
            NAME + ", line 9: repeated key (PRACTICE CODE={code})",
        ),
        (
            lambda f: f.drop(columns=[WEIGHTED]),
            NAME + ", line 1, column NUMBER OF WEIGHTED PATIENTS (LAST KNOWN FIGURE): missing "
            "column(s) NUMBER OF WEIGHTED PATIENTS (LAST KNOWN FIGURE); is this a payments file?",
        ),
        (
            lambda f: f.assign(**{TOTAL: f[TOTAL].where(f.index != 4, "£1,234")}),
            NAME
            + ", line 6, column TOTAL NHS PAYMENTS TO GENERAL PRACTICE: '£1,234' is not a number",
        ),
    ],
    ids=["repeated-key", "missing-column", "unparseable"],
)
def test_bad_file_keeps_the_previous_load(app, nhs_data, tmp_path, change, message):
    good = small(nhs_data, tmp_path)
    with app.app_context():
        load_paths("payments", [good])
        before = snapshot(PaymentsPractice, PaymentLine)
        bad_folder = tmp_path / "bad"
        bad_folder.mkdir()
        frame = read(good)
        bad = write(change(frame), bad_folder / NAME, bom=True)
        with pytest.raises(IngestError) as error:
            load_paths("payments", [bad])
        assert str(error.value) == message.format(code=frame["Practice Code"][2])
        assert snapshot(PaymentsPractice, PaymentLine) == before


def test_period_mismatch_and_bad_period(app, nhs_data, tmp_path):
    good = small(nhs_data, tmp_path)
    with app.app_context():
        load_paths("payments", [good])
        before = snapshot(PaymentsPractice, PaymentLine)
        with pytest.raises(IngestError) as error:
            load_paths("payments", [good], period="2022-23")
        assert str(error.value) == (
            f"{NAME}: period mismatch: the file name says 2021-22 but --period says 2022-23"
        )
        with pytest.raises(IngestError) as error:
            load_paths("payments", [good], period="2021/22")
        assert str(error.value) == f"{NAME}: --period '2021/22' is not a period like '2021-22'"
        assert snapshot(PaymentsPractice, PaymentLine) == before
