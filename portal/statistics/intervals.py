"""Confidence intervals at 95% and 99.8%, by the methods of OHID's public health technical guidance.

- Proportions: the Wilson score interval, from statsmodels' `proportion_confint(method="wilson")`.
- Rates (per 1,000): the Poisson limits of the observed count divided by the population. From 10
  events, Byar's approximation (Breslow & Day 1987) as the guidance gives it:
      O_lower = O × (1 − 1/(9O) − z/(3√O))³
      O_upper = (O + 1) × (1 − 1/(9(O + 1)) + z/(3√(O + 1)))³
  where z is the 100(1 − α/2)th percentile of the standard normal distribution. Below 10 events,
  the exact limits through the Poisson-χ² link (Armitage & Berry 2002):
      O_lower = χ²(α/2; 2O) / 2   (0 when O = 0),   O_upper = χ²(1 − α/2; 2(O + 1)) / 2
  Sources: OHID Fingertips "Public health technical guidance: Rates" (Basic statistics), and PHE
  "Technical Guide: Confidence Intervals" (Public Health Data Science, 25 May 2018), appendices 1
  (Byar's method) and 2 (χ² exact method).
- GP Patient Survey: the survey's own published 95% bounds (they allow for its weighting and
  sample design, which a Wilson interval on weighted counts would not), through `published`.

A missing figure (None or NaN) or a zero denominator gives None: there is nothing to put an
interval round. A negative, infinite or non-numeric figure, or a count above its total, is an
error in the caller's data and raises ValueError. Counts may be fractional (GPPS counts are
weighted). scipy and statsmodels are imported on first use: they take over a second to import.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

LEVELS = (0.95, 0.998)  # the two levels Fingertips shows
BYAR_FROM = 10  # events from which Byar's approximation replaces the exact limits


@dataclass(frozen=True)
class Interval:
    """A confidence interval in the metric's own unit (%, per 1,000, ...) at `level` (0.95)."""

    lower: float
    upper: float
    level: float


def load_libraries() -> None:
    """Import statsmodels and scipy now (over a second), e.g. when a server worker starts."""
    import scipy.stats  # noqa: F401
    from statsmodels.stats import proportion  # noqa: F401


def wilson(count, total, level: float = 0.95, *, scale: float = 100.0) -> Interval | None:
    """Wilson score interval of count/total, times `scale` (100 gives a percentage)."""
    count, total = figure("count", count), figure("total", total)
    alpha = 1 - checked_level(level)
    scale = checked_scale(scale)
    if count is None or total is None or total == 0:
        return None
    if count > total:
        raise ValueError(f"count ({count:g}) must not exceed total ({total:g})")
    from statsmodels.stats.proportion import proportion_confint

    lower, upper = proportion_confint(count, total, alpha=alpha, method="wilson")
    return Interval(float(lower) * scale, float(upper) * scale, level)


def poisson_rate(
    events, population, level: float = 0.95, *, per: float = 1000.0
) -> Interval | None:
    """Interval of events/population × `per`: Byar's from 10 events, exact Poisson below."""
    events, population = figure("events", events), figure("population", population)
    checked_level(level)
    per = checked_scale(per)
    if events is None or population is None or population == 0:
        return None
    lower, upper = count_limits(events, level)
    return Interval(lower / population * per, upper / population * per, level)


def count_limits(events: float, level: float) -> tuple[float, float]:
    """Poisson confidence limits of an observed count (see the module docstring)."""
    alpha = 1 - level
    if events >= BYAR_FROM:
        from statistics import NormalDist  # imports fractions: 15 ms, so on first use

        z = NormalDist().inv_cdf(1 - alpha / 2)
        o, o1 = events, events + 1
        lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
        upper = o1 * (1 - 1 / (9 * o1) + z / (3 * math.sqrt(o1))) ** 3
        return lower, upper
    from scipy.stats import chi2

    lower = float(chi2.ppf(alpha / 2, 2 * events)) / 2 if events > 0 else 0.0
    return lower, float(chi2.ppf(1 - alpha / 2, 2 * (events + 1))) / 2


def published(lower, upper, level: float = 0.95, *, scale: float = 100.0) -> Interval | None:
    """An interval published with the figure (GPPS: 0-1 fractions at 95%), times `scale`."""
    lower, upper = figure("lower bound", lower), figure("upper bound", upper)
    checked_level(level)
    scale = checked_scale(scale)
    if lower is None or upper is None:
        return None
    if lower > upper:
        raise ValueError(f"lower bound ({lower:g}) must not exceed upper bound ({upper:g})")
    return Interval(lower * scale, upper * scale, level)


def figure(name: str, value) -> float | None:
    """A count or denominator as a float; None when missing; ValueError when not a count."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number, not {value!r}")
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value) or value < 0:
        raise ValueError(f"{name} must be a finite number of 0 or more, not {value!r}")
    return value


def checked_level(level) -> float:
    """A confidence level strictly between 0 and 1 (0.95, not 95)."""
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1 (e.g. 0.95), not {level!r}")
    return float(level)


def checked_scale(scale) -> float:
    """A multiplier such as 100 (percent) or 1,000 (per 1,000)."""
    if isinstance(scale, bool) or not isinstance(scale, numbers.Real) or not 0 < scale < math.inf:
        raise ValueError(f"scale must be a positive number, not {scale!r}")
    return float(scale)
