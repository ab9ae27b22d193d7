"""A practice's NHS payments for a financial year: the total, per registered and per weighted
patient (each beside its groups and England, with a national percentile rank), and every
payment line the year's publication lists."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.extensions import db
from portal.models import PaymentLine, PaymentsPractice
from portal.queries.annual import origin, period_for
from portal.queries.benchmarks import practice_benchmark
from portal.queries.practices import PracticeDetails
from portal.queries.types import Benchmark

DATASET = "payments"


@dataclass(frozen=True)
class PaymentItem:
    item: str  # the column heading as published
    amount: float  # £


@dataclass(frozen=True)
class Funding:
    practice_code: str
    period: str  # financial year, e.g. 2021-22
    source: str
    synthetic: bool
    registered_patients: float | None  # last known figure in the year
    weighted_patients: float | None
    total: Benchmark | None  # payments_total, £
    per_registered: Benchmark | None  # £ per registered patient
    per_weighted: Benchmark | None  # £ per weighted patient
    published_per_registered: float | None  # the file's own averages, for checking
    published_per_weighted: float | None
    items: list[PaymentItem] = field(default_factory=list)


def funding(practice: PracticeDetails, year: str | None = None) -> Funding | None:
    """The practice's payments in a year (default: its latest); None when none is loaded."""
    period = period_for("payments_total", practice.code, year)
    if period is None:
        return None
    p, line = PaymentsPractice.__table__, PaymentLine.__table__
    row = db.session.execute(
        sa.select(p).where(p.c.practice_code == practice.code, p.c.period == period)
    ).first()
    if row is None:
        return None
    items = db.session.execute(
        sa.select(line.c.item, line.c.amount)
        .where(line.c.practice_code == practice.code, line.c.period == period)
        .order_by(line.c.item)
    ).all()
    m = row._mapping
    source = origin(DATASET, period)
    return Funding(
        practice_code=practice.code,
        period=period,
        source=source.source,
        synthetic=source.synthetic,
        registered_patients=m["registered_patients"],
        weighted_patients=m["weighted_patients"],
        total=practice_benchmark(practice, "payments_total", period),
        per_registered=practice_benchmark(practice, "payments_per_registered", period),
        per_weighted=practice_benchmark(practice, "payments_per_weighted", period),
        published_per_registered=m["per_registered"],
        published_per_weighted=m["per_weighted"],
        items=[PaymentItem(i, a) for i, a in items if a is not None],
    )
