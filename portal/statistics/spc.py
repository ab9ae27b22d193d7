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


@dataclass(frozen=True)
class Verdict:
    """One value's variation category and the rules it takes part in."""

    variation: str
    signals: tuple[str, ...]


@dataclass(frozen=True)
class Process:
    """A chart's centre line and moving range, and the per-value tests the rules are made of."""

    mean: float
    mean_moving_range: float

    @property
    def upper(self) -> float:
        return self.mean + LIMIT * self.mean_moving_range

    @property
    def lower(self) -> float:
        return self.mean - LIMIT * self.mean_moving_range

    def side(self, y: float) -> int:
        """1 above the mean, -1 below, 0 on it."""
        return (y > self.mean) - (y < self.mean)

    def beyond(self, y: float) -> bool:
        return y > self.upper or y < self.lower

    def near(self, y: float) -> bool:
        """Beyond 2 sigma but within the limits (what two_of_three counts)."""
        reach = NEAR * self.mean_moving_range
        return not self.beyond(y) and (y > self.mean + reach or y < self.mean - reach)


def process(fixed: list[float]) -> Process:
    """The mean and mean moving range of the values the limits are computed from."""
    mr_bar = sum(abs(b - a) for a, b in zip(fixed, fixed[1:], strict=False)) / (len(fixed) - 1)
    return Process(sum(fixed) / len(fixed), mr_bar)


def run_ends(sides: list[int], end: int) -> bool:
    """Whether the SPAN values ending at `end` are all on one side of the mean."""
    return (
        end >= SPAN - 1
        and sides[end] != 0
        and all(sides[k] == sides[end] for k in range(end - SPAN + 1, end + 1))
    )


def trend_ends(steps: list[int], end: int) -> int:
    """The direction (1 rising, -1 falling) of SPAN values ending at `end`, each past the one
    before (steps[k]: the sign of value k minus value k - 1); 0 when they are not a trend."""
    rising = steps[end]
    window = range(end - SPAN + 2, end + 1)
    return rising if end >= SPAN - 1 and rising and all(steps[k] == rising for k in window) else 0


def two_of_three_from(sides: list[int], nears: list[bool], start: int) -> bool:
    """Whether the 3 values from `start` are on one side of the mean with 2 or 3 near a limit."""
    window = range(start, start + 3)
    return sum(nears[k] for k in window) >= 2 and abs(sum(sides[k] for k in window)) == 3


def _steps(ys: list[float]) -> list[int]:
    return [0] + [(b > a) - (b < a) for a, b in zip(ys, ys[1:], strict=False)]


def _checked(values, baseline: int | None, name) -> tuple[list[float | None], list[float]]:
    """The values as floats (None when missing) and those the limits are computed from."""
    if baseline is not None and (
        isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 2
    ):
        raise ValueError(f"baseline must be a whole number of 2 or more points, not {baseline!r}")
    values = [value_of(name(i), value) for i, value in enumerate(values)]
    fixed = [
        v for i, v in enumerate(values) if v is not None and (baseline is None or i < baseline)
    ]
    return values, fixed


def xmr(
    series: Sequence[tuple[str, float | None]], polarity: str, *, baseline: int | None = None
) -> SpcChart | None:
    """The XmR chart of (period, value) pairs in time order; None with fewer than 2 values."""
    good = direction(polarity)
    periods = [period for period, _ in series]
    if any(a >= b for a, b in zip(periods, periods[1:], strict=False)):
        raise ValueError("periods must be in time order, each once")
    values, fixed = _checked([v for _, v in series], baseline, periods.__getitem__)
    if len(fixed) < 2:
        return None
    limits = process(fixed)
    ys = [v for v in values if v is not None]
    n = len(ys)
    side = [limits.side(y) for y in ys]
    near = [limits.near(y) for y in ys]
    step = _steps(ys)
    marks = {name: [False] * n for name in SIGNALS}
    heading = [0] * n  # a trend point's direction; a later trend overwrites an earlier one

    for end in range(SPAN - 1, n):
        window = range(end - SPAN + 1, end + 1)
        if run_ends(side, end):
            for k in window:
                marks["run"][k] = True
        rising = trend_ends(step, end)
        if rising:
            for k in window:
                marks["trend"][k] = True
                heading[k] = rising
    for start in range(n - 2):
        if two_of_three_from(side, near, start):
            for k in range(start, start + 3):
                marks["two_of_three"][k] = marks["two_of_three"][k] or near[k]
    marks["beyond_limit"] = [limits.beyond(y) for y in ys]

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
        mean=limits.mean,
        mean_moving_range=limits.mean_moving_range,
        lower=limits.lower,
        upper=limits.upper,
        trial=len(fixed) < TRIAL_BELOW,
        baseline_points=len(fixed),
        variation=last,
    )


def latest(
    values: Sequence[float | None], polarity: str, *, baseline: int | None = None
) -> Verdict | None:
    """The last value's verdict exactly as `xmr` gives it, from only the windows that end at it
    (so a table of hundreds of practices needs no full chart each); None when the last value
    is missing or there are fewer than 2 values for the limits."""
    values, fixed = _checked(values, baseline, lambda i: f"point {i + 1}")
    if not values or values[-1] is None or len(fixed) < 2:
        return None
    limits = process(fixed)
    tail = [v for v in values if v is not None][-SPAN:]  # every window holding the last value
    end = len(tail) - 1
    side = [limits.side(y) for y in tail]
    near = [limits.near(y) for y in tail]
    heading = trend_ends(_steps(tail), end)
    marks = {
        "beyond_limit": limits.beyond(tail[-1]),
        "trend": heading != 0,
        "two_of_three": near[-1] and end >= 2 and two_of_three_from(side, near, end - 2),
        "run": run_ends(side, end),
    }
    signals = tuple(name for name in SIGNALS if marks[name])
    return Verdict(category(signals, side[-1], heading, direction(polarity)), signals)


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
