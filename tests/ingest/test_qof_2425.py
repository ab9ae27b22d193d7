"""QOF 2024-25 prevalence: the real PREVALENCE_2425.csv (REGISTER written as '703.0'), loaded
without a 2024-25 MAPPING_INDICATORS file (none could be obtained); figures computed here from
the file, the SOURCES.md figures only as sanity checks on what is computed."""

import csv
import shutil

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import GroupMetric, QofAchievement, QofIndicator, QofPrevalence
from tests.annual_files import achievement_file, read, snapshot, stored_metric, write

PREVALENCE = "qof/PREVALENCE_2425.csv"


def row_of(rows: list[dict], practice: str, group: str) -> dict:
    [row] = [r for r in rows if r["PRACTICE_CODE"] == practice and r["GROUP_CODE"] == group]
    return row


def test_the_real_2024_25_file_loads_through_the_command(runner, app, nhs_data):
    path = nhs_data / PREVALENCE
    with path.open(newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    hyp, dm = row_of(rows, "A81001", "HYP"), row_of(rows, "A81001", "DM")
    assert hyp["REGISTER"] == "703.0"  # the layout this test is about
    national_dm = sum(float(r["REGISTER"]) for r in rows if r["GROUP_CODE"] == "DM")
    # sanity checks against SOURCES.md on the computed figures, not the expectations below
    assert (float(hyp["REGISTER"]), hyp["PATIENT_LIST_TYPE"], hyp["PRACTICE_LIST_SIZE"]) == (
        703, "TOTAL", "3904")  # fmt: skip
    assert (float(dm["REGISTER"]), dm["PATIENT_LIST_TYPE"], dm["PRACTICE_LIST_SIZE"]) == (
        321, "17OV", "3172")  # fmt: skip
    assert national_dm == 4_109_134

    result = runner.invoke(args=["data", "load", "qof-prevalence", str(path)])
    assert result.exit_code == 0, result.output
    assert f"qof-prevalence 2024-25: loaded {len(rows):,} rows from PREVALENCE_2425.csv" in (
        result.output
    )
    assert (
        "no MAPPING_INDICATORS for 2024-25: prevalence loads; achievement for 2024-25 cannot "
        "until one is loaded" in result.output
    )
    with app.app_context():
        for source in (hyp, dm):
            stored = db.session.get(QofPrevalence, ("A81001", "2024-25", source["GROUP_CODE"]))
            assert (stored.register, stored.list_size, stored.patient_list_type) == (
                int(float(source["REGISTER"])),
                int(source["PRACTICE_LIST_SIZE"]),
                source["PATIENT_LIST_TYPE"],
            )
            expected = float(source["REGISTER"]) / int(source["PRACTICE_LIST_SIZE"]) * 100
            metric = f"prevalence_{source['GROUP_CODE'].lower()}"
            assert stored_metric(metric, "A81001") == pytest.approx(expected)
        t = QofPrevalence.__table__
        assert (
            db.session.execute(
                sa.select(sa.func.sum(t.c.register)).where(t.c.group_code == "DM")
            ).scalar()
            == national_dm
        )
        g = GroupMetric.__table__
        assert db.session.execute(
            sa.select(g.c.numerator).where(g.c.metric == "prevalence_dm", g.c.level == "england")
        ).scalar_one() == pytest.approx(national_dm)
        assert (
            db.session.execute(sa.select(sa.func.count()).select_from(QofIndicator)).scalar() == 0
        )


@pytest.mark.parametrize(
    "name, period",
    [
        ("PREVALENCE_2425.csv", "2024-25"),
        ("PREVALENCE_2223.csv", "2022-23"),
        ("PREVALENCE_2021_v2.csv", "2020-21"),
    ],  # fmt: skip
)
def test_the_year_comes_from_the_published_name(app, nhs_data, tmp_path, name, period):
    frame = read(nhs_data / PREVALENCE)
    path = write(frame[frame["PRACTICE_CODE"] == "A81001"], tmp_path / name)
    with app.app_context():
        [result] = load_paths("qof-prevalence", [path])
        assert (result.period, result.rows_loaded) == (
            period,
            len(frame.query("PRACTICE_CODE == 'A81001'")),
        )
        assert db.session.get(QofPrevalence, ("A81001", period, "HYP")).register == 703


def test_a_register_that_is_not_whole_is_refused(app, nhs_data, tmp_path):
    frame = read(nhs_data / PREVALENCE)
    small = frame[frame["PRACTICE_CODE"].isin(["A81001", "A81002"])].reset_index(drop=True)
    good = write(small, tmp_path / "PREVALENCE_2425.csv")
    position = small.index[(small["PRACTICE_CODE"] == "A81001") & (small["GROUP_CODE"] == "HYP")][0]
    with app.app_context():
        load_paths("qof-prevalence", [good])
        before = snapshot(QofPrevalence)
        bad_folder = tmp_path / "bad"
        bad_folder.mkdir()
        bad = write(small.assign(REGISTER=small["REGISTER"].where(small.index != position, "703.5")),
                    bad_folder / good.name)  # fmt: skip
        with pytest.raises(IngestError) as error:
            load_paths("qof-prevalence", [bad])
        assert str(error.value) == (
            f"PREVALENCE_2425.csv, line {position + 2}, column REGISTER: '703.5' is not a whole "
            "number"
        )
        assert snapshot(QofPrevalence) == before


def test_achievement_for_2024_25_needs_the_missing_mapping(app, tmp_path):
    """FIXTURE BUILT TO THE DOCUMENTED LONG ACHIEVEMENT LAYOUT (no 2024-25 file was available)."""
    path = tmp_path / "ACHIEVEMENT_2425.csv"
    path.write_text(
        "PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\nA81001,HYP008,ACHIEVED_POINTS,10\n"
    )
    with app.app_context(), pytest.raises(IngestError) as error:
        load_paths("qof-achievement", [path])
    assert str(error.value) == (
        "ACHIEVEMENT_2425.csv: no MAPPING_INDICATORS for 2024-25: put it beside this file or "
        "load it first"
    )


def regional_achievement(nhs_data, tmp_path):
    """FIXTURE BUILT TO THE DOCUMENTED LONG ACHIEVEMENT LAYOUT, split by region as the raw zip
    is from 2022-23 (ACHIEVEMENT_<REGION>_<yyyy>.csv), over the real 2020-21 MAPPING_INDICATORS
    (no later mapping could be obtained)."""
    folder = tmp_path / "qof"
    folder.mkdir()
    mapping = shutil.copy(nhs_data / "qof/MAPPING_INDICATORS_2021_v2.csv", folder)
    whole = achievement_file(tmp_path, mapping, ["A81001", "A81002", "A81004"])
    frame = read(whole)
    north = write(frame[frame["PRACTICE_CODE"] != "A81004"], folder / "ACHIEVEMENT_NORTH_2021.csv")
    south = write(frame[frame["PRACTICE_CODE"] == "A81004"], folder / "ACHIEVEMENT_SOUTH_2021.csv")
    return folder, frame, north, south


def test_regional_achievement_files_are_one_load(app, nhs_data, tmp_path):
    folder, frame, _, south = regional_achievement(nhs_data, tmp_path)
    points = frame[frame["MEASURE"] == "ACHIEVED_POINTS"]
    available = read(folder / "MAPPING_INDICATORS_2021_v2.csv")["INDICATOR_POINT_VALUE"]
    messages = []
    with app.app_context():
        results = load_paths("qof-achievement", [folder], progress=messages.append)
        assert [(r.period, r.source_file, r.rows_loaded) for r in results] == [
            ("2020-21", "ACHIEVEMENT_NORTH_2021.csv", len(frame) // 4),
            ("2020-21", "MAPPING_INDICATORS_2021_v2.csv", len(available)),
        ]
        assert (
            "ACHIEVEMENT_SOUTH_2021.csv: loaded with ACHIEVEMENT_NORTH_2021.csv (one load for "
            "2020-21)" in messages
        )
        for code in ("A81001", "A81004"):  # one from each region's file
            mine = points.loc[points["PRACTICE_CODE"] == code, "VALUE"].astype(float)
            expected = mine.sum() / available.astype(float).sum() * 100
            assert stored_metric("qof_achievement_pct", code) == pytest.approx(expected)
        # a practice in two regions' files is an error naming the second file's line
        write(frame[frame["PRACTICE_CODE"] != "A81002"], south)
        before = snapshot(QofAchievement)
        with pytest.raises(IngestError) as error:
            load_paths("qof-achievement", [folder])
        assert str(error.value) == (
            "ACHIEVEMENT_SOUTH_2021.csv, line 2, column PRACTICE_CODE: practice A81001 is also "
            "in ACHIEVEMENT_NORTH_2021.csv"
        )
        assert snapshot(QofAchievement) == before
