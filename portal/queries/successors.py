"""A practice's mergers (ODS successor organisations): the practices that merged into it and
the one it merged into, with names, for its page and its series breaks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Practice, PracticeSuccessor


@dataclass(frozen=True)
class Merger:
    predecessor: str
    predecessor_name: str
    successor: str
    successor_name: str
    effective_date: date
    period: str  # YYYY-MM: the successor's first month with both lists


def mergers(code: str) -> list[Merger]:
    """Every merger into or out of the practice, oldest first."""
    t = PracticeSuccessor.__table__
    before, after = Practice.__table__.alias("before"), Practice.__table__.alias("after")
    rows = db.session.execute(
        sa.select(t.c.predecessor_code, before.c.name, t.c.successor_code, after.c.name,
                  t.c.effective_date, t.c.period)
        .outerjoin(before, before.c.code == t.c.predecessor_code)
        .outerjoin(after, after.c.code == t.c.successor_code)
        .where(sa.or_(t.c.predecessor_code == code, t.c.successor_code == code))
        .order_by(t.c.effective_date, t.c.predecessor_code)
    ).all()  # fmt: skip
    return [
        Merger(old, old_name or old, new, new_name or new, effective, period)
        for old, old_name, new, new_name, effective, period in rows
    ]
