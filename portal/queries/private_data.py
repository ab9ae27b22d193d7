"""Reading private practice data: only through portal.access, with the user passed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal.access import private_practice
from portal.extensions import db
from portal.models import PrivateEntry, User
from portal.private_data import MEASURES

SOURCE = "Entered by the practice's own members (not published nationally)"


@dataclass(frozen=True)
class PrivateValue:
    period: str
    measure: str
    label: str
    value: float | None
    note: str | None
    entered_by: str  # an email, or "a deleted account"
    entered_at: datetime
    via: str


@dataclass(frozen=True)
class PrivateMonth:
    period: str
    values: dict[str, PrivateValue]


@dataclass(frozen=True)
class PrivateData:
    practice_code: str
    practice_name: str
    source: str
    synthetic: bool
    months: list[PrivateMonth] = field(default_factory=list)  # newest first, current values
    history: list[PrivateValue] = field(default_factory=list)  # every save, newest first


def get_private_data(user, code: str | None, history_limit: int = 200) -> PrivateData:
    """The practice's private figures for a user with an active role there; otherwise
    portal.access.NotFoundOrDenied (also for a practice that does not exist)."""
    practice = private_practice(user, code)
    e, u = PrivateEntry.__table__, User.__table__
    rows = db.session.execute(
        sa.select(
            e.c.id, e.c.period, e.c.measure, e.c.value, e.c.note, u.c.email, e.c.entered_at, e.c.via
        )
        .outerjoin(u, u.c.id == e.c.entered_by_id)
        .where(e.c.practice_code == practice.code)
        .order_by(e.c.id.desc())
    ).all()
    history: list[PrivateValue] = []
    current: dict[str, dict[str, PrivateValue]] = {}
    for _id, period, measure, value, note, email, at, via in rows:
        label = MEASURES[measure].label if measure in MEASURES else measure
        item = PrivateValue(
            period, measure, label, value, note, email or "a deleted account", at, via
        )
        history.append(item)
        current.setdefault(period, {}).setdefault(measure, item)
    months = [PrivateMonth(p, current[p]) for p in sorted(current, reverse=True)]
    return PrivateData(practice.code, practice.name, SOURCE, False, months, history[:history_limit])
