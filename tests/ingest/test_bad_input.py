"""A bad file names the file, line and column, and leaves earlier loads intact."""

import gzip
import shutil

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import RegisteredPatients, RegisteredPatientsByAge

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
QUIN_2025 = "patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz"


def count(model) -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def total(model) -> int:
    return db.session.execute(sa.select(sa.func.sum(model.patients))).scalar_one()


def test_truncated_gzip_names_file_and_keeps_earlier_load(app, nhs_data, tmp_path):
    good = nhs_data / QUIN_2025
    truncated = tmp_path / "gp-reg-pat-prac-quin-age_2025-12.csv.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with app.app_context():
        load_paths("patients-registered", [good])
        before = (count(RegisteredPatientsByAge), total(RegisteredPatientsByAge))
        with pytest.raises(IngestError) as error:
            load_paths("patients-registered", [truncated])
        assert str(error.value).startswith("gp-reg-pat-prac-quin-age_2025-12.csv.gz: ")
        assert "truncated or corrupt" in str(error.value)
        assert (count(RegisteredPatientsByAge), total(RegisteredPatientsByAge)) == before


def test_truncated_csv_names_line_and_column(app, nhs_data, tmp_path):
    good = nhs_data / ALL_2025
    lines = good.read_text().splitlines(keepends=True)
    truncated = tmp_path / "gp-reg-pat-prac-all_2025-12.csv"
    # cut the 101st data row after its postcode: file line 102 has too few fields
    cut = lines[101][: lines[101].index(",ALL,")]
    truncated.write_text("".join(lines[:101]) + cut)
    with app.app_context():
        load_paths("patients-registered", [good])
        before = (count(RegisteredPatients), total(RegisteredPatients))
        with pytest.raises(IngestError) as error:
            load_paths("patients-registered", [truncated])
        assert str(error.value) == (
            "gp-reg-pat-prac-all_2025-12.csv, line 102, column SEX: "
            "the row ends after 7 of 10 fields (is the file truncated?)"
        )
        assert (count(RegisteredPatients), total(RegisteredPatients)) == before


def test_unparseable_value(app, nhs_data, tmp_path):
    lines = (nhs_data / ALL_2025).read_text().splitlines(keepends=True)
    head, _, _ = lines[5].rpartition(",")
    lines[5] = head + ",12x4\n"
    bad = tmp_path / "all.csv"
    bad.write_text("".join(lines))
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [bad])
    assert (
        str(error.value)
        == "all.csv, line 6, column NUMBER_OF_PATIENTS: '12x4' is not a whole number"
    )


def test_file_of_another_dataset(app, nhs_data):
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [nhs_data / "payments/nhs_payments_gp_21-22.csv"])
    assert str(error.value).startswith(
        "nhs_payments_gp_21-22.csv, line 1: not a Patients Registered file"
    )


def test_headed_csv_is_not_epraccur(app, nhs_data):
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("ods-practices", [nhs_data / ALL_2025])
    assert str(error.value).startswith(
        "gp-reg-pat-prac-all_2025-12.csv, line 1, column 1: not an epraccur row"
    )


def test_repeated_key(app, nhs_data, tmp_path):
    lines = (nhs_data / ALL_2025).read_text().splitlines(keepends=True)
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("".join(lines[:10] + [lines[3]]))
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [repeated])
    code = lines[3].split(",")[5]
    assert str(error.value) == f"repeated.csv, line 11: repeated key (practice_code={code})"


def test_mixed_periods(app, nhs_data, tmp_path):
    lines = (nhs_data / ALL_2025).read_text().splitlines(keepends=True)
    lines[4] = lines[4].replace("2025-12-01", "2025-11-01")
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("".join(lines))
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [mixed])
    assert (
        str(error.value)
        == "mixed.csv, column EXTRACT_DATE: the file mixes periods 2025-11, 2025-12"
    )


def test_loading_twice_changes_nothing(app, nhs_data):
    with app.app_context():
        first = load_paths("patients-registered", [nhs_data / ALL_2025])
        before = (count(RegisteredPatients), total(RegisteredPatients))
        second = load_paths("patients-registered", [nhs_data / ALL_2025])
        assert (count(RegisteredPatients), total(RegisteredPatients)) == before
    assert (first[0].replaced, second[0].replaced) == (False, True)


def test_folder_and_zip_are_expanded(app, nhs_data, tmp_path):
    folder = tmp_path / "month"
    folder.mkdir()
    shutil.copy(nhs_data / ALL_2025, folder)
    archive = shutil.make_archive(str(tmp_path / "month"), "zip", folder)
    with app.app_context():
        from_folder = load_paths("patients-registered", [folder])
        from_zip = load_paths("patients-registered", [archive])
    assert [r.rows_loaded for r in from_folder] == [r.rows_loaded for r in from_zip]
    assert from_zip[0].source_file == "gp-reg-pat-prac-all_2025-12.csv"


def test_suppression_markers_are_missing_not_zero(app, nhs_data, tmp_path):
    lines = (nhs_data / ALL_2025).read_text().splitlines(keepends=True)
    head, _, _ = lines[1].rpartition(",")
    lines[1] = head + ",*\n"
    suppressed = tmp_path / "suppressed.csv"
    suppressed.write_text("".join(lines))
    code = lines[1].split(",")[5]
    with app.app_context():
        load_paths("patients-registered", [suppressed])
        stored = db.session.get(RegisteredPatients, (code, "2025-12"))
        assert stored is None
        assert count(RegisteredPatients) == len(lines) - 2


def test_gzip_of_garbage(app, tmp_path):
    junk = tmp_path / "junk.csv.gz"
    with gzip.open(junk, "wb") as handle:
        handle.write(b"\x00\xff" * 100)
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [junk])
    assert str(error.value).startswith("junk.csv.gz")
