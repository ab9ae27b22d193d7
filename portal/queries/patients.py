"""Registered patients: list size over time and the age/sex pyramid."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import RegisteredPatientsByAge
from portal.queries.datasets import provenance

AGE_BANDS = [f"{a}_{a + 4}" for a in range(0, 95, 5)] + ["95+"]


@dataclass(frozen=True)
class AgeBand:
    band: str
    label: str
    male: int | None
    female: int | None


@dataclass(frozen=True)
class AgePyramid:
    period: str
    source: str
    synthetic: bool
    bands: list[AgeBand]

    @property
    def total(self) -> int:
        return sum((b.male or 0) + (b.female or 0) for b in self.bands)


def band_label(band: str) -> str:
    return band.replace("_", " to ") if band != "95+" else "95 and over"


def age_pyramid(practice_code: str, period: str | None = None) -> AgePyramid | None:
    """Patients by five-year band and sex for the latest (or given) month with age data."""
    t = RegisteredPatientsByAge.__table__
    if period is None:
        period = db.session.execute(
            sa.select(sa.func.max(t.c.period)).where(t.c.practice_code == practice_code)
        ).scalar()
    if period is None:
        return None
    rows = db.session.execute(
        sa.select(t.c.sex, t.c.age_band, t.c.patients).where(
            t.c.practice_code == practice_code, t.c.period == period
        )
    ).all()
    counts = {(sex, band): n for sex, band, n in rows}
    origin = provenance("patients-registered", period)
    bands = [
        AgeBand(b, band_label(b), counts.get(("male", b)), counts.get(("female", b)))
        for b in AGE_BANDS
    ]
    return AgePyramid(period, origin.source, origin.synthetic, bands)
