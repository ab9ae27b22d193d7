"""Metric polarity as the catalogue spells it: which direction of change is the good one."""

from __future__ import annotations

DIRECTIONS = {"higher-is-better": 1, "lower-is-better": -1, "neutral": 0}


def direction(polarity: str) -> int:
    """+1 when higher is better, -1 when lower is better, 0 when neither is."""
    try:
        return DIRECTIONS[polarity]
    except (KeyError, TypeError):
        allowed = ", ".join(repr(p) for p in DIRECTIONS)
        raise ValueError(f"polarity must be one of {allowed}, not {polarity!r}") from None
