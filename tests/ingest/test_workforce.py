"""Workforce ingest. No published file was available: every file here is a FIXTURE BUILT TO THE
DOCUMENTED PRACTICE-LEVEL LAYOUT (DESIGN.md §5; tests/annual_files.py) or to the column names
real files use in other years (SOURCES.md: TOTAL_NURSES_FTE / TOTAL_NURSE_FTE, TOTAL_GP_EXTGL_FTE /
TOTAL_GP_EXL_FTE, markers ND, NA, EST, NS), not real data."""

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import DatasetLoad, GroupMetric, PracticeMetric, WorkforcePractice
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


def year_layout(folder, gp: str, nurse: str, marker: str = "ND", name=None):
    """FIXTURE BUILT TO A DOCUMENTED YEAR'S LAYOUT (not real data): the practice-level columns
    with that year's GP and nurse names (`TOTAL_<gp>_HC/FTE`, `TOTAL_<nurse>_HC/FTE`), and
    `marker` where A81004's nurse figures and A81005's GP figures are withheld."""
    rows = [
        ("A81001", "4098", "4", "2.85", "3", "1.6"),
        ("A81002", "19780", "15", "10.4", "8", "5.73"),
        ("A81003", "7021", "5", "3.5", "4", "2.25"),
        ("A81004", "10534", "7", "6.1", marker, marker),
        ("A81005", "8012", marker, marker, "5", "4.02"),
    ]
    frame = pd.DataFrame(
        [(c, f"PRACTICE {c}", "16C", p, *v, "2", "1.5", "9", "6.93") for c, p, *v in rows],
        columns=["PRAC_CODE", "PRAC_NAME", "SUB_ICB_CODE", "TOTAL_PATIENTS",
                 f"TOTAL_{gp}_HC", f"TOTAL_{gp}_FTE", f"TOTAL_{nurse}_HC", f"TOTAL_{nurse}_FTE",
                 "TOTAL_DPC_HC", "TOTAL_DPC_FTE", "TOTAL_ADMIN_HC", "TOTAL_ADMIN_FTE"],
    )  # fmt: skip
    return write(frame, folder / (name or "General Practice – March 2024 Practice Level.csv"))


def england(metric: str) -> tuple:
    t = GroupMetric.__table__
    return db.session.execute(
        sa.select(t.c.value, t.c.practices, t.c.median).where(
            t.c.metric == metric, t.c.level == "england"
        )
    ).one()


@pytest.mark.parametrize(
    "gp, nurse", [("GP_EXTGL", "NURSES"), ("GP_EXL", "NURSE")], ids=["EXTGL-NURSES", "EXL-NURSE"]
)
def test_each_years_column_names_load(app, tmp_path, gp, nurse):
    path = year_layout(tmp_path, gp, nurse)
    source = read(path).set_index("PRAC_CODE")
    with app.app_context():
        [result] = load_paths("workforce", [path])
        assert (result.period, result.rows_loaded) == ("2024-03", len(source))
        row = stored("A81002")
        assert row["gp_fte"] == float(source.loc["A81002", f"TOTAL_{gp}_FTE"])
        assert row["gp_hc"] == float(source.loc["A81002", f"TOTAL_{gp}_HC"])
        assert row["nurse_fte"] == float(source.loc["A81002", f"TOTAL_{nurse}_FTE"])
        assert row["nurse_hc"] == float(source.loc["A81002", f"TOTAL_{nurse}_HC"])


def test_the_documented_name_wins_when_a_file_has_several(app, tmp_path):
    path = year_layout(tmp_path, "GP_EXL", "NURSES")
    frame = read(path)
    frame.insert(4, "TOTAL_GP_FTE", ["3.1", "11.2", "4.4", "6.5", "2.2"])
    write(frame, path)
    with app.app_context():
        load_paths("workforce", [path])
        assert stored("A81002")["gp_fte"] == 11.2
        assert stored("A81002")["gp_hc"] is None  # TOTAL_GP_HC absent: not the EXL headcount


def test_no_gp_column_under_any_name(app, tmp_path):
    path = year_layout(tmp_path, "GP_EXL", "NURSES")
    write(read(path).drop(columns=["TOTAL_GP_EXL_FTE"]), path)
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("workforce", [path])
    assert str(error.value) == (
        "General Practice – March 2024 Practice Level.csv, line 1, column TOTAL_GP_FTE: missing "
        "column TOTAL_GP_FTE (or TOTAL_GP_EXL_FTE, TOTAL_GP_EXTGL_FTE); is this a workforce file?"
    )


@pytest.mark.parametrize("marker", ["ND", "NA", "EST", "NS", ""])
def test_markers_are_missing_and_left_out_of_group_sums_and_medians(app, tmp_path, marker):
    path = year_layout(tmp_path, "GP_EXTGL", "NURSE", marker=marker)
    source = read(path)
    with app.app_context():
        load_paths("workforce", [path])
        assert stored("A81004")["nurse_fte"] is None and stored("A81004")["nurse_hc"] is None
        assert stored("A81005")["gp_fte"] is None and stored("A81005")["gp_hc"] is None
        for metric, column in (("nurse_fte", "TOTAL_NURSE_FTE"), ("gp_fte", "TOTAL_GP_EXTGL_FTE")):
            shown = source.loc[source[column] != marker, column].astype(float)
            assert len(shown) == len(source) - 1
            value, practices, median = england(metric)
            assert value == pytest.approx(shown.sum())
            assert (practices, median) == (len(shown), pytest.approx(shown.median()))
        ratio = PracticeMetric.__table__
        assert (
            db.session.execute(
                sa.select(ratio.c.value).where(
                    ratio.c.metric == "patients_per_gp_fte", ratio.c.practice_code == "A81005"
                )
            ).scalar_one()
            is None
        )
