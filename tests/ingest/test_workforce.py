"""Workforce ingest. No published file was available: every file here is a FIXTURE BUILT TO THE
DOCUMENTED PRACTICE-LEVEL LAYOUT (DESIGN.md §5; tests/annual_files.py), not real data."""

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import DatasetLoad, PracticeMetric, WorkforcePractice
from tests.annual_files import WORKFORCE_ROWS, read, workforce_file, write


def stored(code: str) -> dict:
    t = WorkforcePractice.__table__
    return dict(db.session.execute(sa.select(t).where(t.c.practice_code == code)).one()._mapping)


def snapshot():
    t = WorkforcePractice.__table__
    rows = db.session.execute(sa.select(t).order_by(t.c.practice_code, t.c.period)).all()
    loads = db.session.execute(sa.select(DatasetLoad.period, DatasetLoad.checksum)).all()
    return [tuple(r) for r in rows], [tuple(r) for r in loads]


def test_loads_totals_with_nd_as_missing(app, tmp_path):
    path = workforce_file(tmp_path)
    with app.app_context():
        [result] = load_paths("workforce", [path])
        assert (result.period, result.rows_loaded) == ("2025-09", len(WORKFORCE_ROWS))
        source = read(path).set_index("PRAC_CODE")
        row = stored("A81002")
        assert row["gp_fte"] == float(source.loc["A81002", "TOTAL_GP_FTE"])
        assert row["admin_hc"] == float(source.loc["A81002", "TOTAL_ADMIN_HC"])
        assert row["total_patients"] == int(source.loc["A81002", "TOTAL_PATIENTS"])
        undisclosed = stored("A81004")
        assert source.loc["A81004", "TOTAL_GP_FTE"] == "ND"
        assert undisclosed["gp_fte"] is None and undisclosed["gp_hc"] is None
        assert stored("A81005")["nurse_fte"] is None
        t = PracticeMetric.__table__
        ratio = db.session.execute(
            sa.select(t.c.value).where(
                t.c.metric == "patients_per_gp_fte", t.c.practice_code == "A81002"
            )
        ).scalar_one()
        expected = int(source.loc["A81002", "TOTAL_PATIENTS"]) / float(
            source.loc["A81002", "TOTAL_GP_FTE"]
        )
        assert ratio == pytest.approx(expected)
        missing = db.session.execute(
            sa.select(t.c.value).where(
                t.c.metric == "patients_per_gp_fte", t.c.practice_code == "A81004"
            )
        ).scalar_one()
        assert missing is None  # not disclosed is not zero


def test_loading_twice_changes_nothing(app, tmp_path):
    path = workforce_file(tmp_path)
    with app.app_context():
        load_paths("workforce", [path])
        before = snapshot()
        [again] = load_paths("workforce", [path])
        assert again.replaced
        assert snapshot() == before


def test_period_option_when_the_name_does_not_say(runner, tmp_path):
    path = workforce_file(tmp_path, name="practice_level.csv")
    result = runner.invoke(args=["data", "load", "workforce", str(path)])
    assert result.exit_code == 1
    assert (
        "Error: practice_level.csv: cannot tell which period this file covers: name it as "
        "published or give --period (e.g. 2025-09)" in result.output
    )
    result = runner.invoke(args=["data", "load", "workforce", str(path), "--period", "2025-08"])
    assert result.exit_code == 0, result.output
    assert "workforce 2025-08: loaded 4 rows from practice_level.csv" in result.output


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: f.assign(PRAC_CODE=f["PRAC_CODE"].where(f.index != 2, "A81001")),
            f"{'General Practice – September 2025 Practice Level.csv'}, line 4: "
            "repeated key (PRAC_CODE=A81001)",
        ),
        (
            lambda f: f.drop(columns=["TOTAL_DPC_FTE"]),
            "General Practice – September 2025 Practice Level.csv, line 1, column TOTAL_DPC_FTE: "
            "missing column(s) TOTAL_DPC_FTE; is this a workforce file?",
        ),
        (
            lambda f: f.assign(TOTAL_NURSES_FTE=f["TOTAL_NURSES_FTE"].where(f.index != 1, "5,7")),
            "General Practice – September 2025 Practice Level.csv, line 3, column "
            "TOTAL_NURSES_FTE: '5,7' is not a number",
        ),
    ],
    ids=["repeated-key", "missing-column", "unparseable"],
)
def test_bad_file_names_the_place_and_keeps_the_previous_load(app, tmp_path, change, message):
    good = workforce_file(tmp_path)
    with app.app_context():
        load_paths("workforce", [good])
        before = snapshot()
        bad_folder = tmp_path / "bad"
        bad_folder.mkdir()
        bad = write(change(read(good)), bad_folder / good.name)
        with pytest.raises(IngestError) as error:
            load_paths("workforce", [bad])
        assert str(error.value) == message
        assert snapshot() == before


def test_period_mismatch(app, tmp_path):
    path = workforce_file(tmp_path)
    with app.app_context():
        load_paths("workforce", [path])
        before = snapshot()
        with pytest.raises(IngestError) as error:
            load_paths("workforce", [path], period="2025-10")
        assert str(error.value) == (
            "General Practice – September 2025 Practice Level.csv: period mismatch: the file "
            "name says 2025-09 but --period says 2025-10"
        )
        assert snapshot() == before


def test_period_option_refused_by_datasets_that_name_their_own(app, tmp_path):
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("patients-registered", [workforce_file(tmp_path)], period="2025-09")
    assert str(error.value) == (
        "patients-registered: this dataset takes its period from the file: drop --period"
    )
