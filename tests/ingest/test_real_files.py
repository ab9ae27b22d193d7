"""Figures from the real published files, computed here from the files themselves."""

import csv
import gzip

import pandas as pd
import pytest

from portal.queries.benchmarks import practice_benchmark, practice_figure
from portal.queries.patients import age_pyramid
from portal.queries.practices import count_practices, get_practice

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
MAP_2025 = "patients_registered/gp-reg-pat-prac-map_2025-12.csv"
QUIN_2025 = "patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz"
ALL_2021 = "patients_registered/gp-reg-pat-prac-all_2021-01_CCG-layout.csv"


def rows(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


def test_a81001_list_size_december_2025(real_app, nhs_data):
    expected = next(
        int(r["NUMBER_OF_PATIENTS"]) for r in rows(nhs_data / ALL_2025) if r["CODE"] == "A81001"
    )
    with real_app.app_context():
        figure = practice_figure("A81001", "list_size", "2025-12")
    assert figure.value == expected
    assert figure.period == "2025-12"
    assert figure.source == "Patients Registered at a GP Practice, December 2025"
    assert figure.synthetic is False


def test_open_practices_in_england(real_app, nhs_data):
    with open(nhs_data / "ods/epraccur.csv", newline="") as handle:
        expected = sum(
            1 for r in csv.reader(handle) if r[12] == "A" and r[25] == "4" and r[2] != "W00"
        )
    with real_app.app_context():
        assert count_practices() == expected


def test_pcn_summed_list_size(real_app, nhs_data):
    pcn_of = {r["PRACTICE_CODE"]: r["PCN_CODE"] for r in rows(nhs_data / MAP_2025)}
    pcn = pcn_of["A81001"]
    expected = sum(
        int(r["NUMBER_OF_PATIENTS"])
        for r in rows(nhs_data / ALL_2025)
        if pcn_of.get(r["CODE"]) == pcn
    )
    with real_app.app_context():
        benchmark = practice_benchmark(get_practice("A81001"), "list_size", "2025-12")
    groups = {g.level: g for g in benchmark.groups}
    assert groups["pcn"].code == pcn
    assert groups["pcn"].value == expected
    assert groups["england"].value == sum(
        int(r["NUMBER_OF_PATIENTS"]) for r in rows(nhs_data / ALL_2025)
    )


def test_women_aged_65_to_69(real_app, nhs_data):
    expected = next(
        int(r["NUMBER_OF_PATIENTS"])
        for r in rows(nhs_data / QUIN_2025)
        if r["ORG_TYPE"] == "GP"
        and r["ORG_CODE"] == "A81001"
        and r["SEX"] == "FEMALE"
        and r["AGE_GROUP_5"] == "65_69"
    )
    with real_app.app_context():
        pyramid = age_pyramid("A81001")
    band = next(b for b in pyramid.bands if b.band == "65_69")
    assert (pyramid.period, band.female) == ("2025-12", expected)


def test_ccg_era_layout_loads(real_app, nhs_data):
    first = next(rows(nhs_data / ALL_2021))
    with real_app.app_context():
        figure = practice_figure(first["CODE"], "list_size", "2021-01")
    assert figure.value == int(first["NUMBER_OF_PATIENTS"])
    assert figure.source == "Patients Registered at a GP Practice, January 2021"


def test_national_median_and_percentile(real_app, nhs_data):
    """Median over open practices in England with a list size; A81001's rank among them."""
    with open(nhs_data / "ods/epraccur.csv", newline="") as handle:
        status = {r[0]: (r[12], r[2]) for r in csv.reader(handle) if r[25] == "4"}
    sizes = pd.Series(
        {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in rows(nhs_data / ALL_2025)}, dtype=float
    )
    # practices missing from epraccur were added from the map file as open
    open_codes = [c for c in sizes.index if status.get(c, ("A", ""))[0] == "A"]
    included = sizes[open_codes]
    with real_app.app_context():
        benchmark = practice_benchmark(get_practice("A81001"), "list_size", "2025-12")
    assert benchmark.distribution.n == len(included)
    assert benchmark.distribution.median == pytest.approx(included.median())
    expected_rank = included.rank(pct=True)["A81001"] * 100
    assert benchmark.percentile == pytest.approx(expected_rank)
