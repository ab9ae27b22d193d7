"""Making Data Count XmR charts: mean, natural process limits, special-cause rules and the
variation icon, matching NHS England's Making Data Count tools and NHSRplotthedots.

- Limits: mean ± 2.66 × mean moving range (2.66 = 3 / 1.128, so 3 sigma with sigma = MR-bar /
  1.128); 2 sigma is mean ± 2/3 × 2.66 × MR-bar. Outlying moving ranges are not screened (the
  Making Data Count Excel tools' default; NHSRplotthedots' `screen_outliers = FALSE`).
- Baseline: limits from the first `baseline` points (all points without one) and applied to
  every point. "Trial limits" when fewer than 12 values make them.
- Missing values (None, NaN) are skipped: moving ranges and the rules run over the values
  present, so a gap joins the values either side of it. Under common-cause variation the spread
  of a difference does not depend on how far apart the two values are, so MR-bar is unbiased.
- Rules, each marking every point that takes part (NHSRplotthedots' convention):
  beyond_limit: a point above the upper or below the lower limit (strictly);
  trend: 7 or more points in a row each higher (or each lower) than the one before; a repeat
  breaks it;
  two_of_three: in 3 points in a row all on one side of the mean, 2 or 3 beyond 2 sigma but
  within the limits (only those are marked; a point beyond a limit is beyond_limit instead);
  run: 7 or more points in a row on one side of the mean; a point on the mean breaks it.
- A special-cause point's direction is taken by rule precedence (beyond_limit, trend,
  two_of_three, run): its side of the mean, or for a trend the trend's direction (the later
  trend where two meet). By polarity that is "special cause improving" or "special cause
  concerning", or "special cause neither" for a neutral metric. The chart's variation icon is
  the last value's category, as in the Making Data Count icons.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from portal.statistics.polarity import direction

LIMIT = 2.66  # 3 sigma in mean moving ranges
NEAR = LIMIT * 2 / 3  # 2 sigma
SPAN = 7  # points in a run or a trend
TRIAL_BELOW = 12  # fewer values than this make trial limits

SIGNALS = {  # in order of precedence for a point's direction
    "beyond_limit": "a point beyond a process limit",
    "trend": "7 or more points in a row rising, or falling",
    "two_of_three": "2 of 3 points in a row beyond 2 sigma on one side of the mean",
    "run": "7 or more points in a row on one side of the mean",
}
COMMON = "common cause"
IMPROVING = "special cause improving"
CONCERNING = "special cause concerning"
NEITHER = "special cause neither"


@dataclass(frozen=True)
class SpcPoint:
    """One period: its value (None when missing), the rules it takes part in, its category."""

    period: str
    value: float | None
    signals: tuple[str, ...]
    variation: str | None  # None for a missing value


@dataclass(frozen=True)
class SpcChart:
    """A chart: its points, centre line and limits, whether they are trial limits, its icon."""

    points: tuple[SpcPoint, ...]
    mean: float
    mean_moving_range: float
    lower: float
    upper: float
    trial: bool
    baseline_points: int  # values the limits were computed from
    variation: str  # the last value's category: the variation icon


def xmr(
    series: Sequence[tuple[str, float | None]], polarity: str, *, baseline: int | None = None
) -> SpcChart | None:
    """The XmR chart of (period, value) pairs in time order; None with fewer than 2 values."""
    good = direction(polarity)
    periods = [period for period, _ in series]
    if any(a >= b for a, b in zip(periods, periods[1:], strict=False)):
        raise ValueError("periods must be in time order, each once")
    if baseline is not None and (
        isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 2
    ):
        raise ValueError(f"baseline must be a whole number of 2 or more points, not {baseline!r}")
    values = [value_of(period, value) for period, value in series]
    present = [i for i, value in enumerate(values) if value is not None]
    ys = [values[i] for i in present]
    fixed = [values[i] for i in present if baseline is None or i < baseline]
    if len(fixed) < 2:
        return None

    mean = sum(fixed) / len(fixed)
    mr_bar = sum(abs(b - a) for a, b in zip(fixed, fixed[1:], strict=False)) / (len(fixed) - 1)
    upper, lower = mean + LIMIT * mr_bar, mean - LIMIT * mr_bar
    near_upper, near_lower = mean + NEAR * mr_bar, mean - NEAR * mr_bar

    n = len(ys)
    side = [(y > mean) - (y < mean) for y in ys]
    outside = [y > upper or y < lower for y in ys]
    near = [
        not out and (y > near_upper or y < near_lower) for y, out in zip(ys, outside, strict=True)
    ]
    step = [0] + [(b > a) - (b < a) for a, b in zip(ys, ys[1:], strict=False)]
    marks = {name: [False] * n for name in SIGNALS}
    heading = [0] * n  # a trend point's direction; a later trend overwrites an earlier one

    for end in range(SPAN - 1, n):
        window = range(end - SPAN + 1, end + 1)
        if side[end] != 0 and all(side[k] == side[end] for k in window):
            for k in window:
                marks["run"][k] = True
        rising = step[end]
        if rising != 0 and all(step[k] == rising for k in window[1:]):
            for k in window:
                marks["trend"][k] = True
                heading[k] = rising
    for start in range(n - 2):
        window = range(start, start + 3)
        if sum(near[k] for k in window) >= 2 and abs(sum(side[k] for k in window)) == 3:
            for k in window:
                marks["two_of_three"][k] = marks["two_of_three"][k] or near[k]
    marks["beyond_limit"] = outside

    points, last, k = [], COMMON, 0
    for (period, _), value in zip(series, values, strict=True):
        if value is None:
            points.append(SpcPoint(period, None, (), None))
            continue
        signals = tuple(name for name in SIGNALS if marks[name][k])
        last = category(signals, side[k], heading[k], good)
        points.append(SpcPoint(period, value, signals, last))
        k += 1
    return SpcChart(
        points=tuple(points),
        mean=mean,
        mean_moving_range=mr_bar,
        lower=lower,
        upper=upper,
        trial=len(fixed) < TRIAL_BELOW,
        baseline_points=len(fixed),
        variation=last,
    )


def category(signals: tuple[str, ...], side: int, heading: int, good: int) -> str:
    """A point's variation category from its first rule's direction and the polarity."""
    if not signals:
        return COMMON
    if good == 0:
        return NEITHER
    way = heading if signals[0] == "trend" else side
    return IMPROVING if way == good else CONCERNING


def value_of(period: str, value) -> float | None:
    """A chart value as a float; None when missing; ValueError when not a number."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"the value for {period} must be a number, not {value!r}")
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise ValueError(f"the value for {period} must be finite, not {value!r}")
    return value
