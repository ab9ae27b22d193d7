"""Confidence intervals: Wilson against Newcombe's published values and against the formula
written out here; Byar and exact Poisson against the guide's formulas and scipy's χ²; GPPS bounds
as published. Real figures are computed here from the files in ../shared/nhs-data."""

from __future__ import annotations

import csv
import math
from functools import cache

import pandas as pd
import pytest
from scipy.stats import chi2, norm

from portal.statistics.intervals import LEVELS, Interval, poisson_rate, published, wilson

GPAD = "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"
GPAD_KEY = ["GP_CODE", "HCP_TYPE", "APPT_MODE", "NATIONAL_CATEGORY",
            "TIME_BETWEEN_BOOK_AND_APPT", "APPT_STATUS"]  # fmt: skip
OC = "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz"
GPPS = "gpps/GPPS_2026_practice_weighted_excerpt.csv"


@cache
def dna_counts(path) -> pd.DataFrame:
    """DNA and all appointments per practice, one row per dimension key as test_gpad reads it."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates(GPAD_KEY)
    frame["count"] = frame["COUNT_OF_APPOINTMENTS"].astype(int)
    frame["dna"] = frame["count"].where(frame["APPT_STATUS"] == "DNA", 0)
    return frame.groupby("GP_CODE")[["dna", "count"]].sum()


@cache
def oc_month(path, practice: str, month: str) -> dict[str, float]:
    """One practice-month of the online consultations file: METRIC -> VALUE."""
    frame = pd.read_csv(path, usecols=["MONTH", "GP_CODE", "METRIC", "VALUE"])
    rows = frame[(frame["GP_CODE"] == practice) & (frame["MONTH"] == month)]
    return dict(zip(rows["METRIC"], rows["VALUE"].astype(float), strict=True))


def wilson_by_hand(count: float, total: float, level: float) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n)."""
    z = norm.ppf(1 - (1 - level) / 2)
    p = count / total
    centre = p + z * z / (2 * total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - half) / (1 + z * z / total), (centre + half) / (1 + z * z / total)


def byar_by_hand(events: float, level: float) -> tuple[float, float]:
    """OHID technical guidance, Rates: Byar's limits of an observed count."""
    z = norm.ppf(1 - (1 - level) / 2)
    o, o1 = events, events + 1
    return (
        o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3,
        o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3,
    )


def exact_by_hand(events: float, level: float) -> tuple[float, float]:
    """The χ² exact limits of an observed count (lower 0 when nothing was observed)."""
    alpha = 1 - level
    lower = chi2.ppf(alpha / 2, 2 * events) / 2 if events else 0.0
    return lower, chi2.ppf(1 - alpha / 2, 2 * (events + 1)) / 2


@pytest.mark.parametrize(
    ("count", "total", "lower", "upper"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],  # fmt: skip
)
def test_wilson_matches_newcombe_1998_table_1(count, total, lower, upper):
    interval = wilson(count, total, scale=1)
    assert (round(interval.lower, 4), round(interval.upper, 4)) == (lower, upper)
    assert interval.level == 0.95


@pytest.mark.realdata
def test_wilson_on_a_real_practice_dna_rate(nhs_data):
    counts = dna_counts(nhs_data / GPAD).loc["D81001"]
    assert (counts["dna"], counts["count"]) == (247, 6649)
    for level in LEVELS:
        interval = wilson(counts["dna"], counts["count"], level)
        lower, upper = wilson_by_hand(247, 6649, level)
        assert interval.level == level
        assert interval.lower == pytest.approx(lower * 100, rel=1e-12)
        assert interval.upper == pytest.approx(upper * 100, rel=1e-12)
        assert interval.lower < 247 / 6649 * 100 < interval.upper
    assert wilson(247, 6649, 0.998).upper > wilson(247, 6649).upper


@pytest.mark.realdata
def test_byar_on_a_real_practice_rate_per_1000(nhs_data):
    month = oc_month(nhs_data / OC, "A81001", "2025-03-01")
    events, patients = month["OC_TOTAL_SUBMISSIONS"], month["PATIENTS_REGISTERED"]
    assert (events, patients) == (87, 3899)
    assert events / patients * 1000 == pytest.approx(
        month["OC_RATE_PER_1000_REGISTERED_PATIENTS"], rel=1e-6
    )
    for level in LEVELS:
        lower, upper = byar_by_hand(events, level)
        assert poisson_rate(events, patients, level) == Interval(
            pytest.approx(lower / patients * 1000, rel=1e-12),
            pytest.approx(upper / patients * 1000, rel=1e-12),
            level,
        )


@pytest.mark.realdata
def test_exact_poisson_on_a_real_small_count(nhs_data):
    month = oc_month(nhs_data / OC, "A82004", "2023-09-01")
    events, patients = month["OC_TOTAL_SUBMISSIONS"], month["PATIENTS_REGISTERED"]
    assert events == 2
    for level in LEVELS:
        lower, upper = exact_by_hand(events, level)
        interval = poisson_rate(events, patients, level)
        assert interval.lower == pytest.approx(lower / patients * 1000, rel=1e-12)
        assert interval.upper == pytest.approx(upper / patients * 1000, rel=1e-12)
        assert interval.lower < month["OC_RATE_PER_1000_REGISTERED_PATIENTS"] < interval.upper


def test_exact_poisson_for_no_events_and_the_switch_to_byar_at_10():
    nothing = poisson_rate(0, 1000, per=1000)
    assert nothing.lower == 0.0
    assert round(nothing.upper, 3) == 3.689  # the exact upper limit for 0 events (Daly 1992)
    nine, ten = poisson_rate(9, 1, per=1), poisson_rate(10, 1, per=1)
    assert (nine.lower, nine.upper) == pytest.approx(exact_by_hand(9, 0.95), rel=1e-12)
    assert (ten.lower, ten.upper) == pytest.approx(byar_by_hand(10, 0.95), rel=1e-12)


@pytest.mark.parametrize("events", [10, 11, 25, 50, 100, 1000, 10000])
def test_byar_within_0_2_percent_of_exact_at_95_percent(events):
    """The technical guide: at 95%, Byar's method is within 0.2% of the exact value from 10."""
    interval = poisson_rate(events, 1, per=1)
    lower, upper = exact_by_hand(events, 0.95)
    assert abs(interval.lower / lower - 1) < 0.002
    assert abs(interval.upper / upper - 1) < 0.002


@pytest.mark.realdata
def test_gpps_published_bounds(nhs_data):
    with open(nhs_data / GPPS, newline="", encoding="utf-8") as handle:
        row = next(r for r in csv.DictReader(handle) if r["ad_practicecode"] == "A84002")
    low, high = float(row["overallexp.lowileval"]), float(row["overallexp.hiwileval"])
    interval = published(low, high)
    assert interval == Interval(
        pytest.approx(88.3313902047278), pytest.approx(96.0309841144325), 0.95
    )
    assert published(low, None) is None
    assert published(low, high, scale=1) == Interval(low, high, 0.95)


@pytest.mark.parametrize(
    "call",
    [
        lambda: wilson(None, 10),
        lambda: wilson(3, None),
        lambda: wilson(0, 0),
        lambda: wilson(float("nan"), 10),
        lambda: poisson_rate(5, 0),
        lambda: poisson_rate(None, 100),
        lambda: poisson_rate(5, float("nan")),
        lambda: published(None, 0.5),
    ],
)
def test_missing_figures_and_zero_denominators_give_none(call):
    assert call() is None


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wilson(-1, 10), "count must be a finite number of 0 or more, not -1.0"),
        (lambda: wilson(11, 10), "count (11) must not exceed total (10)"),
        (lambda: wilson("3", 10), "count must be a number, not '3'"),
        (lambda: wilson(True, 10), "count must be a number, not True"),
        (lambda: wilson(3, float("inf")), "total must be a finite number of 0 or more, not inf"),
        (lambda: wilson(3, 10, 95), "level must be between 0 and 1 (e.g. 0.95), not 95"),
        (lambda: wilson(3, 10, scale=0), "scale must be a positive number, not 0"),
        (lambda: poisson_rate(-2, 100), "events must be a finite number of 0 or more, not -2.0"),
        (lambda: poisson_rate(2, -100), "population must be a finite number of 0 or more"),
        (lambda: poisson_rate(2, 100, 1.0), "level must be between 0 and 1"),
        (lambda: published(0.6, 0.5), "lower bound (0.6) must not exceed upper bound (0.5)"),
    ],
)
def test_invalid_figures_are_errors(call, message):
    with pytest.raises(ValueError) as caught:
        call()
    assert str(caught.value).startswith(message)
