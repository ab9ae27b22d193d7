"""Funnel-plot control limits around a target (the England value), by denominator.

Following Spiegelhalter (2005), "Funnel plots for comparing institutional performance" (Stat Med
24:1185), and the PHE/OHID technical guide's funnel-plot method:
- a proportion p0 (as a percentage): the exact binomial limits of a count over n trials,
  interpolated as the guide does, divided by n;
- a rate per `per` (e.g. 1,000 patients): the exact Poisson limits of the expected count n·r0,
  divided by n.
Over-dispersion (optional): when practices vary more than chance allows, the limits are widened
by √φ, φ the mean squared z-score after winsorising the top and bottom 10% (Spiegelhalter's
multiplicative model); φ ≤ 1 leaves the limits as they are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

LEVELS = (0.95, 0.998)


@dataclass(frozen=True)
class Limits:
    """Lower and upper limits at `level`, one per denominator given (numpy arrays)."""

    level: float
    lower: np.ndarray
    upper: np.ndarray


def proportion_limits(target: float, n, level: float, scale: float = 100.0) -> Limits:
    """Where practices of `n` trials fall by chance alone around `target` (in `scale` units)."""
    from scipy.stats import binom

    n, p, tail = np.round(np.asarray(n, dtype=float)), target / scale, (1 - level) / 2  # trials
    lower = _interpolated(binom.ppf(tail, n, p), lambda r: binom.cdf(r, n, p), tail)
    upper = _interpolated(binom.ppf(1 - tail, n, p), lambda r: binom.cdf(r, n, p), 1 - tail)
    return Limits(level, np.clip(lower / n, 0, 1) * scale, np.clip(upper / n, 0, 1) * scale)


def rate_limits(target: float, n, level: float, per: float = 1000.0) -> Limits:
    """Where practices of population `n` fall by chance alone around a rate per `per`."""
    from scipy.stats import poisson

    n, tail = np.asarray(n, dtype=float), (1 - level) / 2
    mu = target / per * n
    lower = _interpolated(poisson.ppf(tail, mu), lambda r: poisson.cdf(r, mu), tail)
    upper = _interpolated(poisson.ppf(1 - tail, mu), lambda r: poisson.cdf(r, mu), 1 - tail)
    return Limits(level, np.maximum(lower, 0) / n * per, upper / n * per)


def _interpolated(r: np.ndarray, cdf, alpha: float) -> np.ndarray:
    """The guide's continuous limit: r - (P(X <= r) - alpha) / (P(X <= r) - P(X <= r - 1))."""
    at, below = cdf(r), cdf(r - 1)
    step = at - below
    safe = np.where(step > 0, step, 1.0)
    return np.where(step > 0, r - (at - alpha) / safe, r)


def overdispersion(z_scores: list[float]) -> float:
    """φ: the mean of the squared z-scores after winsorising 10% at each end (at least 1)."""
    values = sorted(z_scores)
    if len(values) < 10:
        return 1.0
    cut = len(values) // 10
    low, high = values[cut], values[-cut - 1]
    clipped = [min(max(z, low), high) for z in values]
    return max(1.0, sum(z * z for z in clipped) / len(clipped))


def z_score(value: float, target: float, n: float, kind: str, scale: float) -> float:
    """The practice's distance from the target in standard errors under the null."""
    if kind == "wilson":
        p = target / scale
        spread = math.sqrt(p * (1 - p) / n) * scale
    else:
        spread = math.sqrt(target / scale / n) * scale
    return (value - target) / spread if spread > 0 else 0.0


def widened(limits: Limits, target: float, phi: float) -> Limits:
    """Limits scaled away from the target by √φ (the over-dispersed funnel)."""
    k = math.sqrt(phi)
    return Limits(limits.level, target - (target - limits.lower) * k,
                  target + (limits.upper - target) * k)  # fmt: skip
