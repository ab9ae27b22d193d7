"""QOF ingest: the real 2020-21 PREVALENCE and MAPPING_INDICATORS files; achievement on a
FIXTURE BUILT TO THE DOCUMENTED LONG LAYOUT (no achievement file could be obtained)."""

import shutil

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.ingest.base import IngestError
from portal.models import QofAchievement, QofIndicator, QofPrevalence
from tests.annual_files import achievement_file, read, snapshot, stored_metric, write

PREVALENCE = "qof/PREVALENCE_2021_v2.csv"
MAPPING = "qof/MAPPING_INDICATORS_2021_v2.csv"


def small_prevalence(nhs_data, folder, practices=3):
    """The real file's first practices' rows."""
    frame = read(nhs_data / PREVALENCE)
    keep = frame["PRACTICE_CODE"].isin(frame["PRACTICE_CODE"].unique()[:practices])
    return frame[keep].reset_index(drop=True)


def test_folder_load_takes_prevalence_and_mapping_and_skips_the_rest(app, nhs_data, tmp_path):
    source = small_prevalence(nhs_data, tmp_path)
    folder = tmp_path / "qof"
    folder.mkdir()
    write(source, folder / "PREVALENCE_2021_v2.csv")
    for name in ("MAPPING_INDICATORS_2021_v2.csv", "MAPPING_PCAS_EXCL_TO_INDICATOR_2021_v2.csv",
                 "ORGANISATION_REFERENCE_2021.csv"):  # fmt: skip
        shutil.copy(nhs_data / "qof" / name, folder / name)
    messages = []
    with app.app_context():
        results = load_paths("qof-prevalence", [folder], progress=messages.append)
        assert [(r.period, r.source_file) for r in results] == [
            ("2020-21", "MAPPING_INDICATORS_2021_v2.csv"),
            ("2020-21", "PREVALENCE_2021_v2.csv"),
        ]
        assert "skipped ORGANISATION_REFERENCE_2021.csv: not a qof-prevalence file" in messages
        mapping = read(nhs_data / MAPPING)
        assert db.session.execute(
            sa.select(sa.func.count()).select_from(QofIndicator)
        ).scalar() == len(mapping)
        for _, row in source.iterrows():
            expected = int(row["REGISTER"]) / int(row["PRACTICE_LIST_SIZE"]) * 100
            got = stored_metric(f"prevalence_{row['GROUP_CODE'].lower()}", row["PRACTICE_CODE"])
            assert got == pytest.approx(expected)


def test_a_practices_diabetes_prevalence_2020_21(app, nhs_data):
    source = read(nhs_data / PREVALENCE)
    dm = source[(source["PRACTICE_CODE"] == "A81001") & (source["GROUP_CODE"] == "DM")].iloc[0]
    expected = int(dm["REGISTER"]) / int(dm["PRACTICE_LIST_SIZE"]) * 100
    with app.app_context():
        load_paths("qof-prevalence", [nhs_data / PREVALENCE])
        assert stored_metric("prevalence_dm", "A81001") == pytest.approx(expected)
        row = db.session.get(QofPrevalence, ("A81001", "2020-21", "DM"))
        assert (row.register, row.list_size, row.patient_list_type) == (
            int(dm["REGISTER"]), int(dm["PRACTICE_LIST_SIZE"]), dm["PATIENT_LIST_TYPE"])  # fmt: skip


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: pd.concat([f, f.iloc[[4]]], ignore_index=True),
            "PREVALENCE_2021_v2.csv, line {last}: repeated key (PRACTICE_CODE=A81001, GROUP_CODE={group})",
        ),
        (
            lambda f: f.drop(columns=["PATIENT_LIST_TYPE"]),
            "PREVALENCE_2021_v2.csv, line 1, column PATIENT_LIST_TYPE: missing column(s) "
            "PATIENT_LIST_TYPE; is this a qof-prevalence file?",
        ),
        (
            lambda f: f.assign(REGISTER=f["REGISTER"].where(f.index != 6, "12.5")),
            "PREVALENCE_2021_v2.csv, line 8, column REGISTER: '12.5' is not a whole number",
        ),
    ],
    ids=["repeated-key", "missing-column", "unparseable"],
)
def test_bad_prevalence_keeps_the_previous_load(app, nhs_data, tmp_path, change, message):
    good = write(small_prevalence(nhs_data, tmp_path), tmp_path / "PREVALENCE_2021_v2.csv")
    with app.app_context():
        load_paths("qof-prevalence", [good])
        before = snapshot(QofPrevalence)
        bad_folder = tmp_path / "bad"
        bad_folder.mkdir()
        frame = change(read(good))
        bad = write(frame, bad_folder / good.name)
        with pytest.raises(IngestError) as error:
            load_paths("qof-prevalence", [bad])
        group = read(good)["GROUP_CODE"].iloc[4]
        assert str(error.value) == message.format(last=len(frame) + 1, group=group)
        assert snapshot(QofPrevalence) == before


def test_prevalence_period_mismatch(app, nhs_data, tmp_path):
    good = write(small_prevalence(nhs_data, tmp_path), tmp_path / "PREVALENCE_2021_v2.csv")
    with app.app_context():
        load_paths("qof-prevalence", [good])
        before = snapshot(QofPrevalence)
        with pytest.raises(IngestError) as error:
            load_paths("qof-prevalence", [good], period="2021-22")
        assert str(error.value) == (
            "PREVALENCE_2021_v2.csv: period mismatch: the file name says 2020-21 but --period "
            "says 2021-22"
        )
        assert snapshot(QofPrevalence) == before


def achievement_folder(nhs_data, tmp_path, practices=("A81001", "A81002", "A81004")):
    folder = tmp_path / "achievement"
    folder.mkdir()
    mapping = shutil.copy(nhs_data / MAPPING, folder / "MAPPING_INDICATORS_2021_v2.csv")
    return achievement_file(folder, mapping, list(practices)), mapping


def test_achievement_fixture_points_per_domain_and_total(app, nhs_data, tmp_path):
    path, mapping_path = achievement_folder(nhs_data, tmp_path)
    long = read(path)
    mapping = read(mapping_path)
    mapping["INDICATOR_POINT_VALUE"] = mapping["INDICATOR_POINT_VALUE"].astype(float)
    points = long[long["MEASURE"] == "ACHIEVED_POINTS"].merge(mapping, on="INDICATOR_CODE")
    points["VALUE"] = points["VALUE"].astype(float)
    with app.app_context():
        # the mapping beside the file is joined in (it sorts after ACHIEVEMENT_ in a folder)
        [result] = load_paths("qof-achievement", [path])
        assert (result.period, result.dataset) == ("2020-21", "qof-achievement")
        for code in ("A81001", "A81002", "A81004"):
            mine = points[points["PRACTICE_CODE"] == code]
            total = mine["VALUE"].sum() / mapping["INDICATOR_POINT_VALUE"].sum() * 100
            assert stored_metric("qof_achievement_pct", code) == pytest.approx(total)
            for domain in mapping["DOMAIN_CODE"].unique():
                available = mapping.loc[mapping["DOMAIN_CODE"] == domain, "INDICATOR_POINT_VALUE"]
                got = mine.loc[mine["DOMAIN_CODE"] == domain, "VALUE"].sum()
                assert stored_metric(
                    f"qof_achievement_pct_{domain.lower()}", code
                ) == pytest.approx(got / available.sum() * 100)
        first = mapping["INDICATOR_CODE"].iloc[0]
        assert db.session.get(QofAchievement, ("A81001", "2020-21", first)) is None
        row = db.session.get(
            QofAchievement, ("A81001", "2020-21", mapping["INDICATOR_CODE"].iloc[5])
        )
        assert row.pcas is None  # '*' is suppressed, not zero


def test_achievement_without_mapping_or_with_unknown_indicator(app, nhs_data, tmp_path):
    path, mapping = achievement_folder(nhs_data, tmp_path)
    mapping.unlink()
    with app.app_context():
        with pytest.raises(IngestError) as error:
            load_paths("qof-achievement", [path])
        assert str(error.value) == (
            "ACHIEVEMENT_2021.csv: no MAPPING_INDICATORS for 2020-21: put it beside this file "
            "or load it first"
        )
        load_paths("qof-achievement", [nhs_data / MAPPING])  # stored mapping is used
        load_paths("qof-achievement", [path])
        before = snapshot(QofAchievement)
        frame = read(path)
        frame.loc[9, "INDICATOR_CODE"] = "XX999"
        write(frame, path)
        with pytest.raises(IngestError) as error:
            load_paths("qof-achievement", [path])
        assert str(error.value) == (
            "ACHIEVEMENT_2021.csv, line 11, column INDICATOR_CODE: indicator 'XX999' is not in "
            "MAPPING_INDICATORS for 2020-21"
        )
        assert snapshot(QofAchievement) == before


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: pd.concat([f, f.iloc[[2]]], ignore_index=True),
            "ACHIEVEMENT_2021.csv, line {last}: repeated key (PRACTICE_CODE=A81001, "
            "INDICATOR_CODE={indicator}, MEASURE=DENOMINATOR)",
        ),
        (
            lambda f: f.drop(columns=["MEASURE"]),
            "ACHIEVEMENT_2021.csv, line 1, column MEASURE: missing column(s) MEASURE; is this a "
            "qof-achievement file?",
        ),
        (
            lambda f: f.assign(VALUE=f["VALUE"].where(f.index != 3, "1O")),
            "ACHIEVEMENT_2021.csv, line 5, column VALUE: '1O' is not a number",
        ),
    ],
    ids=["repeated-key", "missing-column", "unparseable"],
)
def test_bad_achievement_keeps_the_previous_load(app, nhs_data, tmp_path, change, message):
    path, _ = achievement_folder(nhs_data, tmp_path)
    indicator = read(path)["INDICATOR_CODE"].iloc[2]
    with app.app_context():
        load_paths("qof-achievement", [path])
        before = snapshot(QofAchievement, QofIndicator)
        frame = change(read(path))
        write(frame, path)
        with pytest.raises(IngestError) as error:
            load_paths("qof-achievement", [path])
        assert str(error.value).startswith(message.format(last=len(frame) + 1, indicator=indicator))
        assert snapshot(QofAchievement, QofIndicator) == before


def test_achievement_twice_changes_nothing_and_period_must_match(app, nhs_data, tmp_path):
    path, _ = achievement_folder(nhs_data, tmp_path)
    with app.app_context():
        load_paths("qof-achievement", [path])
        before = snapshot(QofAchievement, QofIndicator)
        load_paths("qof-achievement", [path])
        assert snapshot(QofAchievement, QofIndicator) == before
        with pytest.raises(IngestError) as error:
            load_paths("qof-achievement", [path], period="2019-20")
        assert "period mismatch: the file name says 2020-21 but --period says 2019-20" in str(
            error.value
        )
        assert snapshot(QofAchievement, QofIndicator) == before
