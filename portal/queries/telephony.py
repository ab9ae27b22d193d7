"""A practice's Cloud Based Telephony figures: headline metrics with benchmarks, each
indicator's total, answered calls by wait time and by call length, inbound calls by time of day
(the By Day and Time file), answered calls by wait within and outside core hours (the Calls
Answered Metric file, from June 2026), and trends.

Used by the practice telephony page, the MCP tool get_telephony and the API. No rows for a
practice means no data (not zero calls): such a practice gets None.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import TelephonyBreakdown, TelephonyCount
from portal.models.telephony import INDICATORS
from portal.queries.activity import Share, practice_months, shares
from portal.queries.types import Benchmark

DATASET = "telephony"
METRIC_IDS = ["calls_inbound", "calls_answered_rate", "calls_missed", "callbacks_requested",
              "callbacks_made"]  # fmt: skip


@dataclass(frozen=True)
class IndicatorTotal:
    code: str  # CBT001 ... CBT007
    label: str
    calls: int | None  # None: suppressed or not published for this practice


# The Calls Answered Metric file's parts of the day, in the publication's order: the key
# names its breakdown, the words head its table.
CORE_HOURS = {
    "Core_8_10": ("core_early", "in core hours 08:00 to 10:00"),
    "Core_10_1830": ("core_day", "in core hours 10:00 to 18:30"),
    "Non-Core": ("non_core", "outside core hours"),
}


@dataclass(frozen=True)
class HoursWaits:
    """Answered calls by wait within one part of the day (the Calls Answered Metric file)."""

    category: str  # as published: Core_8_10, Core_10_1830, Non-Core
    key: str  # core_early, core_day, non_core (another category: its letters)
    label: str  # "in core hours 08:00 to 10:00", ... (another category: as published)
    answered_by_wait: list[Share]


@dataclass(frozen=True)
class TelephonyMonth:
    period: str
    indicators: list[IndicatorTotal]
    values: dict[str, float | None]  # metric id -> the practice's value that month
    answered_by_wait: list[Share]  # CBT003 bands
    answered_by_length: list[Share]  # CBT007 bands
    inbound_by_time: list[Share]  # CBT001 by time of day; empty: no By Day and Time file
    answered_by_hours: list[HoursWaits]  # CBT003 by core hours; empty: no Calls Answered file


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
    t = TelephonyCount.__table__
    found = practice_months(code, t, DATASET, METRIC_IDS, months, period)
    if found is None:
        return None
    code, periods = found.practice.code, found.periods
    rows = db.session.execute(
        sa.select(t.c.period, t.c.indicator, t.c.band, t.c.calls).where(
            t.c.practice_code == code, t.c.period.in_(periods)
        )
    ).all()
    by_period: dict[str, list] = defaultdict(list)
    for row in rows:
        by_period[row.period].append(row)
    splits = _splits(code, periods)
    trend = [_month(p, by_period[p], found.values[p], splits[p]) for p in periods]
    return PracticeTelephony(**found.header(), month=trend[-1], trend=trend)


def _splits(code: str, periods: list[str]) -> dict[str, tuple[list[Share], list[HoursWaits]]]:
    """period -> (inbound calls by time of day, answered calls by wait in each part of the day)
    from the practice's By Day and Time and Calls Answered Metric rows, in one query."""
    b = TelephonyBreakdown.__table__
    rows = db.session.execute(
        sa.select(b.c.period, b.c.breakdown, b.c.indicator, b.c.band, b.c.category, b.c.calls)
        .where(
            b.c.practice_code == code,
            b.c.period.in_(periods),
            b.c.band != "",
            sa.or_(
                sa.and_(b.c.breakdown == "time", b.c.indicator == "CBT001"),
                sa.and_(b.c.breakdown == "core", b.c.indicator == "CBT003"),
            ),
        )
        .order_by(b.c.band)
    ).all()
    times: dict[str, list[tuple[str, int | None]]] = defaultdict(list)
    waits: dict[tuple[str, str], list[tuple[str, int | None]]] = defaultdict(list)
    for row in rows:
        if row.breakdown == "time":
            times[row.period].append((row.band, row.calls))
        else:
            waits[row.period, row.category].append((row.band, row.calls))
    known = list(CORE_HOURS) + sorted({c for _, c in waits} - set(CORE_HOURS))
    return {
        p: (
            shares(times[p]),
            [
                HoursWaits(c, *_hours(c), shares(readable(waits[p, c])))
                for c in known
                if (p, c) in waits
            ],
        )
        for p in periods
    }


def _hours(category: str) -> tuple[str, str]:
    """A part of the day's key and words; a category the portal does not know keeps its text."""
    return CORE_HOURS.get(category) or (
        "_".join(re.findall(r"[a-z]+", category.lower())) or "other",
        f"in {category}",
    )


def _month(
    period: str,
    rows: list,
    values: dict[str, float | None],
    splits: tuple[list[Share], list[HoursWaits]],
) -> TelephonyMonth:
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
        inbound_by_time=splits[0],
        answered_by_hours=splits[1],
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
