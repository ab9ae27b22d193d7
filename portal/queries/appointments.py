"""A practice's appointments (GPAD): headline metrics with benchmarks, breakdowns and trends.

Used by the practice appointments page, the MCP tool get_appointments and the API.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AppointmentMonth
from portal.models.appointments import HCP_TYPES, LEAD_TIMES, MODES, STATUSES
from portal.queries.activity import Share, practice_months, shares
from portal.queries.types import Benchmark

DATASET = "gpad"
METRIC_IDS = ["appointments_total", "dna_rate", "gp_appointment_share", "same_day_share",
              "face_to_face_share", "appointments_per_1000"]  # fmt: skip


@dataclass(frozen=True)
class AppointmentsBreakdown:
    """One month's appointments split four ways; each list's counts sum to the month's total."""

    by_status: list[Share]  # Attended, DNA, Unknown
    by_hcp_type: list[Share]  # GP, Other Practice staff, Unknown
    by_mode: list[Share]  # Face-to-Face, Telephone, Video Conference/Online, Home Visit, Unknown
    by_lead_time: list[Share]  # Same Day ... More than 28 Days, Unknown / Data Issue


@dataclass(frozen=True)
class AppointmentsMonth:
    period: str
    total: int | None
    values: dict[str, float | None]  # metric id -> the practice's value that month
    breakdown: AppointmentsBreakdown


@dataclass(frozen=True)
class PracticeAppointments:
    """Everything about a practice's appointments for one month, plus the months before it.

    `metrics` holds one Benchmark per METRIC_IDS: the figure (value, period, source, synthetic),
    national percentile rank and distribution, and PCN, sub-ICB, ICB, region and England values.
    """

    practice_code: str
    practice_name: str
    period: str
    source: str
    synthetic: bool
    metrics: list[Benchmark]
    breakdown: AppointmentsBreakdown
    trend: list[AppointmentsMonth]  # oldest first, ending at `period`


def practice_appointments(
    code: str | None, months: int | None = 12, period: str | None = None
) -> PracticeAppointments | None:
    """The practice's appointments for `period` (default: its latest month) and the `months`
    months up to it; None when the practice is unknown or has no appointments data."""
    found = practice_months(code, AppointmentMonth.__table__, DATASET, METRIC_IDS, months, period)
    if found is None:
        return None
    periods, values = found.periods, found.values
    by_period = _breakdowns(found.practice.code, periods)
    trend = [AppointmentsMonth(p, by_period[p][0], values[p], by_period[p][1]) for p in periods]
    return PracticeAppointments(**found.header(), breakdown=by_period[periods[-1]][1], trend=trend)


def _breakdowns(
    code: str, periods: list[str]
) -> dict[str, tuple[int | None, AppointmentsBreakdown]]:
    """period -> (total, breakdown) from the practice's monthly rows, in one query."""
    t = AppointmentMonth.__table__
    rows = {
        row.period: row
        for row in db.session.execute(
            sa.select(t).where(t.c.practice_code == code, t.c.period.in_(periods))
        )
    }
    result = {}
    for period in periods:
        row = rows.get(period)
        breakdown = AppointmentsBreakdown(
            *(_split(row, published) for published in (STATUSES, HCP_TYPES, MODES, LEAD_TIMES))
        )
        result[period] = (row.total if row else None, breakdown)
    return result


def _split(row, published: dict[str, str]) -> list[Share]:
    """One dimension's shares in the publication's order; a suppressed cell stays missing."""
    return shares(
        [(label, getattr(row, column) if row else 0) for label, column in published.items()]
    )
