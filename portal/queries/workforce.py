"""A practice's workforce: GPs, nurses, direct patient care and admin staff (headcount and FTE),
and patients per GP FTE, each beside its PCN, sub-ICB, ICB, region and England."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.extensions import db
from portal.models import WorkforcePractice
from portal.queries.annual import origin, period_for
from portal.queries.benchmarks import practice_benchmark
from portal.queries.practices import PracticeDetails
from portal.queries.types import Benchmark

DATASET = "workforce"
STAFF_GROUPS = (
    ("gp", "GPs"),
    ("nurse", "Nurses"),
    ("dpc", "Direct patient care staff"),
    ("admin", "Admin and non-clinical staff"),
)


@dataclass(frozen=True)
class StaffGroup:
    """One staff group: headcount and FTE as published (None = not disclosed)."""

    key: str  # gp | nurse | dpc | admin
    label: str
    headcount: float | None
    fte: float | None
    benchmark: Benchmark | None  # the <key>_fte metric with comparators and percentile


@dataclass(frozen=True)
class Workforce:
    practice_code: str
    period: str  # YYYY-MM
    source: str
    synthetic: bool
    total_patients: int | None  # the workforce file's own list size
    staff: list[StaffGroup] = field(default_factory=list)
    patients_per_gp_fte: Benchmark | None = None


def workforce(practice: PracticeDetails, period: str | None = None) -> Workforce | None:
    """The practice's workforce in a month (default: its latest); None when none is loaded."""
    period = period_for("gp_fte", practice.code, period)
    if period is None:
        return None
    t = WorkforcePractice.__table__
    row = db.session.execute(
        sa.select(t).where(t.c.practice_code == practice.code, t.c.period == period)
    ).first()
    if row is None:
        return None
    m = row._mapping
    source = origin(DATASET, period)
    return Workforce(
        practice_code=practice.code,
        period=period,
        source=source.source,
        synthetic=source.synthetic,
        total_patients=m["total_patients"],
        staff=[
            StaffGroup(
                key,
                label,
                m[f"{key}_hc"],
                m[f"{key}_fte"],
                practice_benchmark(practice, f"{key}_fte", period),
            )
            for key, label in STAFF_GROUPS
        ],
        patients_per_gp_fte=practice_benchmark(practice, "patients_per_gp_fte", period),
    )
