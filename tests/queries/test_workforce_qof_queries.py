"""Workforce and QOF achievement queries. Their files are FIXTURES BUILT TO THE DOCUMENTED
LAYOUTS (no published file was available; see tests/annual_files.py), loaded beside the real
ODS practice list and practice map so the practices have their PCN, ICB and region."""

import shutil

import pytest

from portal.ingest import load_paths
from portal.queries.practices import get_practice
from portal.queries.qof import qof_achievement
from portal.queries.workforce import workforce
from tests.annual_files import WORKFORCE_ROWS, achievement_file, read, workforce_file


@pytest.fixture
def practices(app, nhs_data):
    with app.app_context():
        load_paths("ods-practices", [nhs_data / "ods/epraccur.csv"])
        load_paths(
            "patients-registered",
            [nhs_data / "patients_registered/gp-reg-pat-prac-map_2025-12.csv"],
        )
    return app


def test_workforce_figures_comparators_and_nd(practices, tmp_path):
    app = practices
    path = workforce_file(tmp_path)
    source = read(path).set_index("PRAC_CODE")
    with app.app_context():
        load_paths("workforce", [path])
        result = workforce(get_practice("A81002"))
        assert (result.period, result.source, result.synthetic) == (
            "2025-09", "General Practice Workforce, September 2025", False)  # fmt: skip
        gp = result.staff[0]
        assert (gp.key, gp.fte, gp.headcount) == (
            "gp", float(source.loc["A81002", "TOTAL_GP_FTE"]), float(source.loc["A81002", "TOTAL_GP_HC"]))  # fmt: skip
        ratio = result.patients_per_gp_fte
        expected = int(source.loc["A81002", "TOTAL_PATIENTS"]) / float(
            source.loc["A81002", "TOTAL_GP_FTE"]
        )
        assert ratio.figure.value == pytest.approx(expected)
        disclosed = [r for r in WORKFORCE_ROWS if r[3] != "ND"]
        england = ratio.groups[-1]
        assert england.level == "england"
        assert england.value == pytest.approx(
            sum(int(r[1]) for r in disclosed) / sum(float(r[3]) for r in disclosed)
        )
        assert ratio.distribution.n == len(disclosed)  # ND is left out, not counted as zero
        undisclosed = workforce(get_practice("A81004"))
        assert undisclosed.staff[0].fte is None
        assert undisclosed.patients_per_gp_fte.figure.display == "not available"
        assert not undisclosed.patients_per_gp_fte.in_distribution
        assert workforce(get_practice("A81002"), "2024-01") is None


def test_qof_achievement_total_and_domains(practices, nhs_data, tmp_path):
    app = practices
    mapping_path = shutil.copy(nhs_data / "qof/MAPPING_INDICATORS_2021_v2.csv", tmp_path)
    path = achievement_file(tmp_path, mapping_path, ["A81001", "A81002", "A81004"])
    long = read(path)
    mapping = read(mapping_path)
    points = long[long["MEASURE"] == "ACHIEVED_POINTS"].merge(mapping, on="INDICATOR_CODE")
    points["VALUE"] = points["VALUE"].astype(float)
    mapping["INDICATOR_POINT_VALUE"] = mapping["INDICATOR_POINT_VALUE"].astype(float)
    with app.app_context():
        load_paths("qof-achievement", [path])
        result = qof_achievement(get_practice("A81002"), "2020-21")
        assert (result.period, result.source) == (
            "2020-21", "Quality and Outcomes Framework, achievement, 2020-21")  # fmt: skip
        mine = points[points["PRACTICE_CODE"] == "A81002"]
        assert result.total.points_achieved == pytest.approx(mine["VALUE"].sum())
        assert result.total.points_available == mapping["INDICATOR_POINT_VALUE"].sum()
        assert result.total.achievement.figure.value == pytest.approx(
            mine["VALUE"].sum() / mapping["INDICATOR_POINT_VALUE"].sum() * 100
        )
        assert [d.domain for d in result.domains] == sorted(mapping["DOMAIN_CODE"].unique())
        for domain in result.domains:
            available = mapping.loc[
                mapping["DOMAIN_CODE"] == domain.domain, "INDICATOR_POINT_VALUE"
            ].sum()
            assert domain.points_available == available
            got = mine.loc[mine["DOMAIN_CODE"] == domain.domain, "VALUE"].sum()
            assert domain.achievement.figure.value == pytest.approx(got / available * 100)
        everyone = points.groupby("PRACTICE_CODE")["VALUE"].sum()
        england = result.total.achievement.groups[-1]
        assert england.value == pytest.approx(
            everyone.sum() / (mapping["INDICATOR_POINT_VALUE"].sum() * len(everyone)) * 100
        )
        assert qof_achievement(get_practice("A81002"), "2019-20") is None
