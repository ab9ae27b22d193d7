"""A practice's QOF achievement: points achieved of points available, in total and per domain
(clinical, public health, quality improvement), each beside its groups and England."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.extensions import db
from portal.models import QofAchievement, QofIndicator
from portal.qof_registers import DOMAINS, achievement_metric
from portal.queries.annual import origin, period_for
from portal.queries.benchmarks import practice_benchmark
from portal.queries.practices import PracticeDetails
from portal.queries.types import Benchmark

DATASET = "qof-achievement"


@dataclass(frozen=True)
class DomainAchievement:
    domain: str | None  # None for the total; CL, PH, QI
    name: str
    points_achieved: float | None
    points_available: float | None
    achievement: Benchmark | None  # qof_achievement_pct[_<domain>], %


@dataclass(frozen=True)
class QofAchievementResult:
    practice_code: str
    period: str  # financial year
    source: str
    synthetic: bool
    total: DomainAchievement
    domains: list[DomainAchievement] = field(default_factory=list)


def qof_achievement(
    practice: PracticeDetails, year: str | None = None
) -> QofAchievementResult | None:
    """Achievement in a QOF year (default: the practice's latest); None when none is loaded."""
    period = period_for("qof_achievement_pct", practice.code, year)
    if period is None:
        return None
    a, i = QofAchievement.__table__, QofIndicator.__table__
    achieved = dict(
        db.session.execute(
            sa.select(i.c.domain_code, sa.func.sum(a.c.achieved_points))
            .select_from(a)
            .join(i, sa.and_(i.c.indicator_code == a.c.indicator_code, i.c.period == a.c.period))
            .where(a.c.practice_code == practice.code, a.c.period == period)
            .group_by(i.c.domain_code)
        ).all()
    )
    if not achieved:
        return None
    available = dict(
        db.session.execute(
            sa.select(i.c.domain_code, sa.func.sum(i.c.point_value))
            .where(i.c.period == period)
            .group_by(i.c.domain_code)
        ).all()
    )

    def part(domain: str | None) -> DomainAchievement:
        if domain is None:
            got = [v for v in achieved.values() if v is not None]
            points, total = (sum(got) if got else None), sum(v or 0 for v in available.values())
        else:
            points, total = achieved.get(domain), available.get(domain)
        return DomainAchievement(
            domain=domain,
            name=DOMAINS.get(domain, domain) if domain else "All domains",
            points_achieved=points,
            points_available=total,
            achievement=practice_benchmark(practice, achievement_metric(domain), period),
        )

    source = origin(DATASET, period)
    return QofAchievementResult(
        practice_code=practice.code,
        period=period,
        source=source.source,
        synthetic=source.synthetic,
        total=part(None),
        domains=[part(d) for d in sorted(available) if d in DOMAINS],
    )
