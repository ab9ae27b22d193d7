"""A practice's Cloud Based Telephony figures: headline metrics with benchmarks, each
indicator's total, answered calls by wait time and by call length, and trends.

Used by the practice telephony page, the MCP tool get_telephony and the API. No rows for a
practice means no data (not zero calls): such a practice gets None.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import TelephonyCount
from portal.models.telephony import INDICATORS
from portal.queries.activity import (
    Share,
    benchmarks_for,
    clamp_months,
    metric_values,
    recent_periods,
    shares,
)
from portal.queries.datasets import provenance
from portal.queries.practices import get_practice
from portal.queries.types import Benchmark

DATASET = "telephony"
METRIC_IDS = ["calls_inbound", "calls_answered_rate", "calls_missed", "callbacks_requested",
              "callbacks_made"]  # fmt: skip


@dataclass(frozen=True)
class IndicatorTotal:
    code: str  # CBT001 ... CBT007
    label: str
    calls: int | None  # None: suppressed or not published for this practice


@dataclass(frozen=True)
class TelephonyMonth:
    period: str
    indicators: list[IndicatorTotal]
    values: dict[str, float | None]  # metric id -> the practice's value that month
    answered_by_wait: list[Share]  # CBT003 bands
    answered_by_length: list[Share]  # CBT007 bands


@dataclass(frozen=True)
class PracticeTelephony:
    """A practice's telephony figures for one month and the months before it.

    `metrics` holds one Benchmark per METRIC_IDS (figure with period, source and synthetic flag,
    national percentile rank and distribution, PCN/sub-ICB/ICB/region/England values).
    """

    practice_code: str
    practice_name: str
    period: str
    source: str
    synthetic: bool
    metrics: list[Benchmark]
    month: TelephonyMonth
    trend: list[TelephonyMonth]  # oldest first, ending at `period`


def practice_telephony(
    code: str | None, months: int | None = 12, period: str | None = None
) -> PracticeTelephony | None:
    """The practice's telephony for `period` (default: its latest month) and the `months`
    months up to it; None when the practice is unknown or has no telephony data."""
    practice = get_practice(code)
    if practice is None:
        return None
    t = TelephonyCount.__table__
    periods = recent_periods(t, practice.code, clamp_months(months), period)
    if not periods or (period and periods[-1] != period):
        return None
    rows = db.session.execute(
        sa.select(t.c.period, t.c.indicator, t.c.band, t.c.calls).where(
            t.c.practice_code == practice.code, t.c.period.in_(periods)
        )
    ).all()
    by_period: dict[str, list] = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    values = metric_values(practice.code, METRIC_IDS, periods)
    trend = [_month(p, by_period[p], values[p]) for p in periods]
    latest = trend[-1]
    origin = provenance(DATASET, latest.period)
    return PracticeTelephony(
        practice_code=practice.code,
        practice_name=practice.name,
        period=latest.period,
        source=origin.source,
        synthetic=origin.synthetic,
        metrics=benchmarks_for(practice, METRIC_IDS, latest.period),
        month=latest,
        trend=trend,
    )


def _month(period: str, rows: list, values: dict[str, float | None]) -> TelephonyMonth:
    """Indicator totals (the total row where published, else the sum of complete bands)."""
    totals: dict[str, int | None] = {}
    bands: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    for row in rows:
        if row.band == "":
            totals[row.indicator] = row.calls
        else:
            bands[row.indicator].append((row.band, row.calls))
    for code, parts in bands.items():
        if code not in totals:
            counts = [c for _, c in parts]
            totals[code] = None if None in counts else sum(counts)
    return TelephonyMonth(
        period=period,
        indicators=[IndicatorTotal(c, label, totals.get(c)) for c, label in INDICATORS.items()],
        values=values,
        answered_by_wait=shares(readable(bands.get("CBT003", []))),
        answered_by_length=shares(readable(bands.get("CBT007", []))),
    )


def band_seconds(code: str) -> tuple[int, int | None] | None:
    """A published band code's bounds in seconds ('0', '1_30', '>300'); None for other text."""
    code = code.strip()
    if code.startswith(">") and code[1:].isdigit():
        return int(code[1:]) + 1, None
    low, underscore, high = code.partition("_")
    if not low.isdigit() or (underscore and not high.isdigit()):
        return None
    return int(low), int(high) if high else int(low)


def _time(seconds: int) -> str:
    return f"{seconds // 60} min" if seconds > 120 and seconds % 60 == 0 else f"{seconds} s"


def band_label(code: str) -> str:
    """The one place a band code becomes words: '0' -> '0 s', '1_30' -> '1–30 s', '121_180'
    -> '2–3 min', '>300' -> 'over 5 min'; text that is not a code is shown as published."""
    bounds = band_seconds(code)
    if bounds is None:
        return code
    low, high = bounds
    if high is None:
        return f"over {_time(low - 1)}"
    if low == high:
        return _time(low)
    if high > 120 and high % 60 == 0 and (low - 1) % 60 == 0:
        return f"{(low - 1) // 60}–{high // 60} min"
    return f"{low}–{high} s"


def readable(parts: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Bands in order of time with readable labels (codes as published keep their order
    when any is not a code)."""
    if parts and all(band_seconds(b) for b, _ in parts):
        parts = sorted(parts, key=lambda part: band_seconds(part[0]))
    return [(band_label(band), calls) for band, calls in parts]
