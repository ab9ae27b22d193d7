"""Significance the Fingertips way: the practice's interval against the comparator's value,
worded by the catalogue's polarity; real figures from ../shared/nhs-data."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from portal.catalogue import METRICS
from portal.statistics.intervals import LEVELS, Interval, published, wilson
from portal.statistics.polarity import direction
from portal.statistics.significance import NOT_COMPARED, compare

GPAD = "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"
GPAD_KEY = ["GP_CODE", "HCP_TYPE", "APPT_MODE", "NATIONAL_CATEGORY",
            "TIME_BETWEEN_BOOK_AND_APPT", "APPT_STATUS"]  # fmt: skip
GPPS = "gpps/GPPS_2026_practice_weighted_excerpt.csv"
INTERVAL = Interval(4.0, 6.0, 0.95)


@pytest.mark.parametrize(
    ("comparator", "polarity", "word"),
    [
        (3.0, "higher-is-better", "better"),
        (7.0, "higher-is-better", "worse"),
        (3.0, "lower-is-better", "worse"),
        (7.0, "lower-is-better", "better"),
        (3.0, "neutral", "higher"),
        (7.0, "neutral", "lower"),
        (5.0, "higher-is-better", "similar"),
        (5.0, "lower-is-better", "similar"),
        (5.0, "neutral", "similar"),
        (4.0, "higher-is-better", "similar"),  # a bound on the value still contains it
        (6.0, "neutral", "similar"),
    ],
)
def test_interval_against_comparator_value(comparator, polarity, word):
    assert compare(INTERVAL, comparator, polarity) == word


@pytest.mark.parametrize(
    ("interval", "comparator"),
    [(None, 5.0), (INTERVAL, None), (INTERVAL, float("nan")), (wilson(0, 0), 5.0)],
)
def test_not_compared_without_an_interval_or_a_comparator(interval, comparator):
    assert compare(interval, comparator, "lower-is-better") == NOT_COMPARED == "not compared"


def test_unknown_polarity_is_an_error_even_when_not_compared():
    with pytest.raises(ValueError) as caught:
        compare(None, None, "higher is better")
    assert str(caught.value) == (
        "polarity must be one of 'higher-is-better', 'lower-is-better', 'neutral', "
        "not 'higher is better'"
    )


def test_every_catalogue_polarity_is_understood():
    assert {direction(m.polarity) for m in METRICS.values()} == {1, -1, 0}


@pytest.mark.realdata
def test_real_dna_rate_against_the_files_own_rate_at_both_levels(nhs_data):
    frame = pd.read_csv(nhs_data / GPAD, dtype=str, keep_default_na=False)
    frame = frame.drop_duplicates(GPAD_KEY)
    frame["count"] = frame["COUNT_OF_APPOINTMENTS"].astype(int)
    dna = frame["APPT_STATUS"] == "DNA"
    overall = frame.loc[dna, "count"].sum() / frame["count"].sum() * 100  # the three regions
    practices = frame.assign(dna=frame["count"].where(dna, 0)).groupby("GP_CODE")
    counts = practices[["dna", "count"]].sum()
    polarity = METRICS["dna_rate"].polarity
    assert polarity == "lower-is-better"

    expected = {  # practice: (DNAs, appointments), words at 95% and 99.8%
        "D81001": ((247, 6649), ["better", "better"]),  # 3.7% (95% CI 3.3-4.2%)
        "D81002": ((509, 10679), ["similar", "similar"]),
        "D81010": ((338, 5902), ["worse", "similar"]),
        "D81014": ((457, 10627), ["better", "similar"]),
        "G82635": ((7, 1071), ["better", "better"]),  # 0.65% (0.32-1.34%) from 7 DNAs
    }
    assert round(overall, 3) == 4.894
    for code, (figures, words) in expected.items():
        dnas, total = counts.loc[code, "dna"], counts.loc[code, "count"]
        assert (dnas, total) == figures
        intervals = [wilson(dnas, total, level) for level in LEVELS]
        assert [compare(i, overall, polarity) for i in intervals] == words
        for interval, word in zip(intervals, words, strict=True):  # where each interval lies
            assert (interval.upper < overall) == (word == "better")
            assert (interval.lower > overall) == (word == "worse")


@pytest.mark.realdata
def test_gpps_compared_at_95_percent_only(nhs_data):
    with open(nhs_data / GPPS, newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["ad_practicecode"] == "A84007")
    interval = published(float(row["overallexp.lowileval"]), float(row["overallexp.hiwileval"]))
    assert (round(interval.lower, 1), round(interval.upper, 1)) == (64.2, 90.2)
    assert compare(interval, 95.0, "higher-is-better") == "worse"
    assert compare(interval, 75.0, "higher-is-better") == "similar"
    assert compare(None, 75.0, "higher-is-better") == NOT_COMPARED  # no published 99.8% bound
