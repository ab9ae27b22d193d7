"""A practice's online consultation submissions: headline metrics with benchmarks, submission
types, supplier, trend, and (where loaded) submissions by weekday and time of day.

Used by the practice online consultations page, the MCP tool get_online_consultations and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import OnlineConsultation, OnlineConsultationTime
from portal.queries.activity import Share, practice_months, shares
from portal.queries.datasets import provenance
from portal.queries.types import Benchmark

DATASET = "online-consultations"
METRIC_IDS = ["oc_submissions", "oc_clinical_share", "oc_rate_per_1000"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class OnlineConsultationsMonth:
    period: str
    submissions: int | None
    clinical: int | None
    admin: int | None
    other: int | None
    patients_registered: int | None  # the publication's own denominator
    participation: bool | None
    supplier: str | None
    values: dict[str, float | None]  # metric id -> the practice's value that month


@dataclass(frozen=True)
class TimeCell:
    weekday: str
    time_band: str  # '08:00 - 09:59' ... or 'Unknown'
    submissions: int | None


@dataclass(frozen=True)
class SubmissionTimes:
    """Submissions by weekday and two-hour band for one month (the day-and-time file)."""

    period: str
    source: str
    synthetic: bool
    by_weekday: list[Share]
    cells: list[TimeCell]


@dataclass(frozen=True)
class PracticeOnlineConsultations:
    """A practice's online consultations for one month and the months before it.

    `metrics` holds one Benchmark per METRIC_IDS (figure with period, source and synthetic flag,
    national percentile rank and distribution, PCN/sub-ICB/ICB/region/England values).
    """

    practice_code: str
    practice_name: str
    period: str
    source: str
    synthetic: bool
    metrics: list[Benchmark]
    by_type: list[Share]  # Clinical, Administrative, Other
    month: OnlineConsultationsMonth
    trend: list[OnlineConsultationsMonth]  # oldest first, ending at `period`
    times: SubmissionTimes | None  # the latest day-and-time month up to `period`, if loaded


def practice_online_consultations(
    code: str | None, months: int | None = 12, period: str | None = None
) -> PracticeOnlineConsultations | None:
    """The practice's online consultations for `period` (default: its latest month) and the
    `months` months up to it; None when the practice is unknown or has no data."""
    t = OnlineConsultation.__table__
    found = practice_months(code, t, DATASET, METRIC_IDS, months, period)
    if found is None:
        return None
    rows = {
        r.period: r
        for r in db.session.execute(
            sa.select(t).where(
                t.c.practice_code == found.practice.code, t.c.period.in_(found.periods)
            )
        )
    }
    trend = [_month(rows[p], found.values[p]) for p in found.periods]
    latest = trend[-1]
    return PracticeOnlineConsultations(
        **found.header(),
        by_type=shares(
            [
                ("Clinical", latest.clinical),
                ("Administrative", latest.admin),
                ("Other", latest.other),
            ]
        ),  # fmt: skip
        month=latest,
        trend=trend,
        times=submission_times(found.practice.code, latest.period),
    )


def _month(row, values: dict[str, float | None]) -> OnlineConsultationsMonth:
    return OnlineConsultationsMonth(
        period=row.period,
        submissions=row.submissions,
        clinical=row.clinical,
        admin=row.admin,
        other=row.other,
        patients_registered=row.patients_registered,
        participation=None if row.participation is None else bool(row.participation),
        supplier=row.supplier,
        values=values,
    )


def submission_times(code: str, up_to: str | None = None) -> SubmissionTimes | None:
    """The practice's latest loaded day-and-time month (up to `up_to`), or None."""
    t = OnlineConsultationTime.__table__
    query = sa.select(sa.func.max(t.c.period)).where(t.c.practice_code == code)
    if up_to:
        query = query.where(t.c.period <= up_to)
    period = db.session.execute(query).scalar()
    if period is None:
        return None
    rows = db.session.execute(
        sa.select(t.c.weekday, t.c.time_band, t.c.submissions)
        .where(t.c.practice_code == code, t.c.period == period)
        .order_by(t.c.time_band)
    ).all()
    order = {day: i for i, day in enumerate(WEEKDAYS)}
    cells = sorted(
        (TimeCell(w, b, n) for w, b, n in rows),
        key=lambda c: (order.get(c.weekday, 9), c.time_band),
    )
    per_day = {day: 0 for day in WEEKDAYS}
    for cell in cells:
        per_day[cell.weekday] = per_day.get(cell.weekday, 0) + (cell.submissions or 0)
    origin = provenance(DATASET, period)
    return SubmissionTimes(
        period=period,
        source=origin.source,
        synthetic=origin.synthetic,
        by_weekday=shares(list(per_day.items())),
        cells=cells,
    )
