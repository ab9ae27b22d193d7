"""The small-numbers rule (issue 18), in one place: a rate or proportion made from too few events
is stored and shown (with its interval where it has one) but never ranked against other
practices, since its position would be chance. The load-time writer (portal/ingest/benchmarks.py)
leaves its national percentile empty and keeps it out of the distribution's statistics; every
surface that would show a percentile shows `reason` instead.

It applies to the metrics whose numerator and denominator count things (interval wilson or
byar: appointments, calls, submissions, patients on a register). FTE, money, QOF points,
deprivation scores and the survey's weighted counts are not events, and sums are not rates.

- Too few events: a numerator below MIN_EVENTS.
- Too small a denominator: below MIN_EVENTS as well. For a proportion this follows from the
  first rule (the events are part of it); for a rate per 1,000 it stops e.g. 8 appointments
  over a list of 3 patients (2,667 per 1,000) heading the table.
"""

from __future__ import annotations

import numpy as np

MIN_EVENTS = 5  # below this a difference cannot be told from chance
COUNTED = ("wilson", "byar")  # interval methods whose numerator and denominator are counts
TOO_FEW_EVENTS = f"not ranked: too few events (fewer than {MIN_EVENTS})"
TOO_SMALL_DENOMINATOR = f"not ranked: too small a denominator (fewer than {MIN_EVENTS})"


def applies(metric) -> bool:
    """Whether the metric is a rate or proportion of counted events."""
    return metric.aggregation == "ratio" and metric.interval in COUNTED


def too_few(metric, numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Per practice, whether its figure is too small to rank (missing counts are not: they have
    no figure at all)."""
    numerator = np.asarray(numerator, dtype=float)
    if not applies(metric):
        return np.zeros(numerator.shape, dtype=bool)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(invalid="ignore"):
        return (numerator < MIN_EVENTS) | (denominator < MIN_EVENTS)  # NaN compares False


def reason(metric, numerator: float | None, denominator: float | None) -> str | None:
    """Why this figure is not ranked under the rule, in words fit to show; None when it may be."""
    if not applies(metric) or numerator is None or denominator is None:
        return None
    if numerator < MIN_EVENTS:
        return TOO_FEW_EVENTS
    if denominator < MIN_EVENTS:
        return TOO_SMALL_DENOMINATOR
    return None
