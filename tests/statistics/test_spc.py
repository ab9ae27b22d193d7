"""XmR charts: each special-cause rule on a series built to trigger it alone, the variation icon
by polarity, baselines, trial limits, gaps; and a real practice's monthly series from
../shared/nhs-data, its mean and limits worked here with numpy.

The shared data holds one month of GPAD appointments (October 2025), too few for a chart, so
the real series is a practice's 19 months of online consultation submissions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.catalogue import METRICS
from portal.statistics.spc import SIGNALS, latest, xmr

OC = "online_consultations/OC_practice_level_north_Sep23-Mar25.csv.gz"
MONTHS = [f"{year}-{month:02d}" for year in (2024, 2025, 2026) for month in range(1, 13)]
ALTERNATING = [10, 12] * 7  # mean 11, every moving range 2: limits 11 ± 5.32, 2 sigma ± 3.55


def chart(values, polarity="neutral", **options):
    return xmr(list(zip(MONTHS, values, strict=False)), polarity, **options)


def marked(result) -> dict[str, list[int]]:
    """Rule -> positions of the points it marks."""
    return {
        name: [i for i, p in enumerate(result.points) if name in p.signals]
        for name in SIGNALS
        if any(name in p.signals for p in result.points)
    }


def limits_by_hand(values) -> tuple[float, float, float, float]:
    mean = float(np.mean(values))
    mr_bar = float(np.mean(np.abs(np.diff(values))))
    return mean, mr_bar, mean - 2.66 * mr_bar, mean + 2.66 * mr_bar


def test_common_cause_only():
    result = chart(ALTERNATING)
    assert (result.mean, result.mean_moving_range) == (11.0, 2.0)
    assert (result.lower, result.upper) == pytest.approx((11 - 5.32, 11 + 5.32))
    assert marked(result) == {}
    assert {p.variation for p in result.points} == {"common cause"}
    assert result.variation == "common cause"
    assert (result.trial, result.baseline_points) == (False, 14)


def test_a_point_beyond_a_limit():
    values = [10, 12, 10, 12, 10, 12, 10, 24, 10, 12, 10, 12, 10, 12]
    result = chart(values)
    mean, mr_bar, lower, upper = limits_by_hand(values)
    assert (result.mean, result.mean_moving_range) == pytest.approx((mean, mr_bar))
    assert (result.lower, result.upper) == pytest.approx((lower, upper))
    assert upper == pytest.approx(22.0879, abs=1e-4) and upper < 24
    assert marked(result) == {"beyond_limit": [7]}
    assert result.points[7].variation == "special cause neither"
    assert result.variation == "common cause"  # the last point is common cause


def test_a_run_of_seven_on_one_side_of_the_mean():
    values = [10, 12, 10, 12, 10, 12, 10, 12, 13, 12, 13, 12, 13, 12, 10, 12, 10, 12]
    result = chart(values)
    assert result.mean == 11.5  # points 7-13 are above it, 6 and 14 below
    assert marked(result) == {"run": [7, 8, 9, 10, 11, 12, 13]}


def test_six_on_one_side_is_not_a_run():
    values = [10, 12, 10, 12, 10, 12, 10, 12, 13, 12, 13, 12, 10, 12, 10, 12, 10, 12]
    assert marked(chart(values)) == {}


def test_seven_rising_points():
    values = [10, 12, 10, 12, 10, 9, 9.5, 10, 10.5, 11, 11.5, 12, 10, 12, 10, 12]
    assert marked(chart(values)) == {"trend": [5, 6, 7, 8, 9, 10, 11]}


def test_a_repeat_breaks_a_trend():
    values = [10, 12, 10, 12, 10, 9, 9.5, 10, 10, 10.5, 11, 11.5, 10, 12, 10, 12]
    assert marked(chart(values)) == {}


def test_two_of_three_beyond_two_sigma():
    values = [10, 12] * 6 + [17, 12, 17] + [10, 12] * 3
    result = chart(values)
    mean, mr_bar, _, upper = limits_by_hand(values)
    two_sigma = mean + 2 / 3 * 2.66 * mr_bar
    assert two_sigma < 17 < upper and 11.619 < mean < 12  # the 12 between is above the mean too
    assert marked(result) == {"two_of_three": [12, 14]}  # only the two points near the limit


def test_two_of_three_needs_all_three_on_one_side():
    values = [10, 12] * 6 + [17, 10, 17] + [10, 12] * 3
    assert marked(chart(values)) == {}


@pytest.mark.parametrize(
    ("polarity", "variation"),
    [
        ("higher-is-better", "special cause improving"),
        ("lower-is-better", "special cause concerning"),
        ("neutral", "special cause neither"),
    ],
)
def test_variation_icon_from_the_last_point_by_polarity(polarity, variation):
    result = chart([10, 12] * 7 + [24], polarity)
    assert marked(result) == {"beyond_limit": [14]}
    assert result.points[-1].variation == result.variation == variation


def test_a_falling_trend_above_the_mean_is_concerning_when_higher_is_better():
    """The trend's direction, not its side of the mean, says which way it points."""
    values = [14, 10] * 5 + [17, 16.5, 16, 15.5, 15, 14.5, 14]
    result = chart(values, "higher-is-better")
    assert result.mean < 14  # all seven falling points are above it
    falling = [10, 11, 12, 13, 14, 15, 16]
    assert marked(result) == {"trend": falling, "run": falling}
    assert result.points[10].signals == ("trend", "run")
    assert result.variation == "special cause concerning"


def test_where_a_rising_and_a_falling_trend_meet_the_later_one_counts():
    values = [0, 20] * 4 + [4, 5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5, 4]
    result = chart(values, "higher-is-better")
    assert result.mean == 8.0  # the 8s sit on the mean, so no run
    assert marked(result) == {"trend": list(range(8, 21))}
    kinds = [p.variation for p in result.points[8:]]
    assert kinds == ["special cause improving"] * 6 + ["special cause concerning"] * 7


def test_limits_from_a_baseline_apply_to_every_point():
    values = ALTERNATING[:12] + [20, 21, 20]
    result = chart(values, "lower-is-better", baseline=12)
    assert (result.mean, result.mean_moving_range) == (11.0, 2.0)
    assert (result.baseline_points, result.trial) == (12, False)
    assert marked(result) == {"beyond_limit": [12, 13, 14]}
    assert result.variation == "special cause concerning"
    unbased = chart(values, "lower-is-better")
    assert unbased.mean == pytest.approx(limits_by_hand(values)[0])
    assert unbased.baseline_points == 15


def test_trial_limits_below_twelve_points():
    assert chart(ALTERNATING[:11]).trial is True
    assert chart(ALTERNATING[:12]).trial is False
    assert chart(ALTERNATING, baseline=8).trial is True


def test_missing_values_are_skipped_and_a_gap_joins_its_neighbours():
    values = [10, None, 13, 10, 12, float("nan"), 10, 12]
    result = chart(values)
    present = [10, 13, 10, 12, 10, 12]
    assert (result.mean, result.mean_moving_range) == pytest.approx(limits_by_hand(present)[:2])
    assert result.mean_moving_range == pytest.approx((3 + 3 + 2 + 2 + 2) / 5)
    assert result.points[1].value is None and result.points[1].variation is None
    assert result.points[5].value is None and result.points[5].signals == ()
    assert result.baseline_points == 6


def test_too_few_values_give_no_chart():
    assert chart([]) is None
    assert chart([10]) is None
    assert chart([10, None, None]) is None
    assert chart([None, 10, 12]) is not None


@pytest.mark.parametrize(
    ("series", "options", "message"),
    [
        ([("2024-02", 1), ("2024-01", 2)], {}, "periods must be in time order, each once"),
        ([("2024-01", 1), ("2024-01", 2)], {}, "periods must be in time order, each once"),
        ([("2024-01", 1), ("2024-02", "x")], {}, "the value for 2024-02 must be a number, not 'x'"),
        ([("2024-01", 1), ("2024-02", float("inf"))], {}, "the value for 2024-02 must be finite"),
        ([("2024-01", 1), ("2024-02", 2)], {"baseline": 1}, "baseline must be a whole number"),
        ([("2024-01", 1), ("2024-02", 2)], {"baseline": 2.5}, "baseline must be a whole number"),
    ],
)
def test_invalid_series(series, options, message):
    with pytest.raises(ValueError) as caught:
        xmr(series, "neutral", **options)
    assert str(caught.value).startswith(message)


def test_unknown_polarity():
    with pytest.raises(ValueError, match="polarity must be one of"):
        xmr([("2024-01", 1), ("2024-02", 2)], "up")


@pytest.mark.realdata
def test_a_real_practice_monthly_series(nhs_data):
    frame = pd.read_csv(nhs_data / OC, usecols=["MONTH", "GP_CODE", "METRIC", "VALUE"])
    rows = frame[(frame["GP_CODE"] == "A81001") & (frame["METRIC"] == "OC_TOTAL_SUBMISSIONS")]
    rows = rows.sort_values("MONTH")
    series = list(zip(rows["MONTH"].str[:7], rows["VALUE"].astype(float), strict=True))
    values = np.array([v for _, v in series])
    assert len(series) == 19 and series[0] == ("2023-09", 60.0) and series[3] == ("2023-12", 11.0)

    result = xmr(series, METRICS["oc_submissions"].polarity)
    mean, mr_bar, lower, upper = limits_by_hand(values)
    assert (result.mean, result.mean_moving_range) == pytest.approx((mean, mr_bar))
    assert (result.lower, result.upper) == pytest.approx((lower, upper))
    assert (round(result.lower, 2), round(result.mean, 2), round(result.upper, 2)) == (
        31.42, 66.74, 102.06
    )  # fmt: skip
    beyond = [p.period for p in result.points if "beyond_limit" in p.signals]
    assert beyond == [period for period, v in series if v < lower or v > upper] == ["2023-12"]
    run = [p.period for p in result.points if "run" in p.signals]
    assert run == [f"2024-{m:02d}" for m in range(2, 12)]  # ten months above the mean
    assert all(v > mean for p, v in series if p in run)
    assert dict(series)["2024-01"] < mean and dict(series)["2024-12"] < mean
    assert {s for p in result.points for s in p.signals} == {"beyond_limit", "run"}
    assert (result.trial, result.variation) == (False, "common cause")

    based = xmr(series, "neutral", baseline=12)
    assert based.mean == pytest.approx(float(np.mean(values[:12])))
    assert based.mean_moving_range == pytest.approx(float(np.mean(np.abs(np.diff(values[:12])))))
    assert based.baseline_points == 12


def test_the_latest_verdict_equals_the_full_chart_s_last_point():
    """`latest` (the members table's SPC column, fast) gives the last value exactly as `xmr`
    marks it, over series built to hit every rule (runs, trends, 2 of 3, beyond, ties on the
    mean, gaps), with limits from every value and from a baseline."""
    import random

    rng = random.Random(17)
    periods = [f"{2023 + (i // 12)}-{i % 12 + 1:02d}" for i in range(30)]
    seen = set()
    for case in range(3000):
        n = rng.randint(1, 30)
        kind = case % 5
        values = []
        for i in range(n):
            if kind == 0:
                v = rng.gauss(10, 1)
            elif kind == 1:
                v = 10 + i * rng.uniform(0.1, 1)  # trends
            elif kind == 2:
                v = rng.gauss(10, 1) + (3 if i > n - 8 else 0)  # a late run or shift
            elif kind == 3:
                v = float(rng.choice([9, 10, 11]))  # ties on the mean
            else:
                v = rng.gauss(10, 1) if rng.random() > 0.2 else None  # gaps
            values.append(v)
        baseline = rng.choice([None, None, rng.randint(2, 30)])
        for polarity in ("higher-is-better", "lower-is-better", "neutral"):
            chart = xmr(list(zip(periods[:n], values, strict=True)), polarity, baseline=baseline)
            verdict = latest(values, polarity, baseline=baseline)
            if chart is None or chart.points[-1].value is None:
                assert verdict is None, (values, polarity, baseline)
                continue
            last = chart.points[-1]
            assert (verdict.variation, verdict.signals) == (last.variation, last.signals), (
                values, polarity, baseline,
            )  # fmt: skip
            seen.update(verdict.signals)
    assert seen == set(SIGNALS)  # every rule was exercised


def test_the_latest_verdict_refuses_what_the_chart_refuses():
    with pytest.raises(ValueError, match="baseline must be a whole number"):
        latest([1.0, 2.0, 3.0], "neutral", baseline=1)
    with pytest.raises(ValueError, match="the value for point 2 must be a number"):
        latest([1.0, "2", 3.0], "neutral")
