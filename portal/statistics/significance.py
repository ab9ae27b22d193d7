"""Significance against a comparator, the Fingertips way: the practice's confidence interval
against the comparator's value (PCN, ICB, England, peers), worded by the metric's polarity.

The comparator's value is taken as fixed, as Fingertips does: "higher" when the whole interval
lies above it, "lower" when wholly below, "similar" when the interval contains it (a bound equal
to the value counts as containing it). The interval's own level (95% or 99.8%) is the level of
the comparison.

"Not compared" when there is no interval or no comparator value. The only minimum is each
method's own: a positive denominator and a count (intervals.py gives None otherwise), and a
published bound for GPPS (95% only, so GPPS is never compared at 99.8%). No further floor on
events: the Wilson and exact Poisson intervals keep their coverage at small counts, so a small
practice gets a wide interval and reads "similar" unless the evidence is strong.
"""

from __future__ import annotations

import math

from portal.statistics.intervals import Interval
from portal.statistics.polarity import direction

NOT_COMPARED = "not compared"
WORDS = {1: ("better", "worse"), -1: ("worse", "better"), 0: ("higher", "lower")}


def compare(interval: Interval | None, comparator: float | None, polarity: str) -> str:
    """'better'/'similar'/'worse' (or 'higher'/'similar'/'lower' when neutral), or 'not compared'."""
    above, below = WORDS[direction(polarity)]
    if interval is None or comparator is None or math.isnan(comparator):
        return NOT_COMPARED
    if interval.lower > comparator:
        return above
    if interval.upper < comparator:
        return below
    return "similar"
