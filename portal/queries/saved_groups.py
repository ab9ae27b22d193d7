"""Saved groups: a user's named sets of practices, read and changed only by their owner, and
their value of a metric computed at read time the way every other group's is
(portal.queries.benchmarks.value_over) from the stored practice figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from portal.access import NotFoundOrDenied, is_signed_in
from portal.catalogue import METRICS, Metric, format_value
from portal.extensions import db
from portal.models import Practice, PracticeMetric, SavedGroup, SavedGroupPractice
from portal.models.organisations import ENGLAND
from portal.queries import benchmarks
from portal.queries.benchmarks import group_values, make_figure
from portal.queries.latest import practices_latest_periods
from portal.queries.practices import get_practice, normalise_code
from portal.queries.types import Figure, GroupValue

LEVEL = "group"
PREFIX = "group:"  # how MCP's `within` and the compare page name a saved group
MAX_NAME = 100
MAX_GROUPS = 50  # per user
MAX_PRACTICES = 500  # per group: an ICB's worth


class GroupError(ValueError):
    """A change that cannot be made, in words fit to show the user (never echoing free text)."""


@dataclass(frozen=True)
class SavedGroupSummary:
    id: int
    name: str
    practices: int


@dataclass(frozen=True)
class GroupMember:
    code: str
    name: str
    status: str


@dataclass(frozen=True)
class SavedGroupDetail:
    id: int
    name: str
    practices: list[GroupMember]

    @property
    def codes(self) -> list[str]:
        return [m.code for m in self.practices]


@dataclass(frozen=True)
class MemberFigure:
    code: str
    name: str
    value: float | None
    display: str


@dataclass(frozen=True)
class GroupBenchmark:
    """A saved group's value of one metric in its latest period, beside England's."""

    group_id: int
    group_name: str
    figure: Figure  # the group's own value: ratio of sums over its practices
    group: GroupValue
    england: GroupValue | None
    members: list[MemberFigure]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def parse_group_id(value) -> int | None:
    """A group id from `12` or `group:12`; None when it cannot be one."""
    text = str(value or "").strip()
    text = text.removeprefix(PREFIX)
    return int(text) if text.isdigit() and len(text) <= 9 else None


def my_groups(user) -> list[SavedGroupSummary]:
    """The user's saved groups by name, with how many practices each holds."""
    if not is_signed_in(user):
        return []
    g, m = SavedGroup.__table__, SavedGroupPractice.__table__
    rows = db.session.execute(
        sa.select(g.c.id, g.c.name, sa.func.count(m.c.practice_code))
        .outerjoin(m, m.c.group_id == g.c.id)
        .where(g.c.owner_id == user.id)
        .group_by(g.c.id, g.c.name)
        .order_by(g.c.name, g.c.id)
    ).all()
    return [SavedGroupSummary(*row) for row in rows]


def _owned(user, group_id) -> SavedGroup:
    """The user's own group, or NotFoundOrDenied alike for another's and a missing one."""
    number = parse_group_id(group_id)
    if number is None or not is_signed_in(user):
        raise NotFoundOrDenied()
    group = db.session.get(SavedGroup, number)
    if group is None or group.owner_id != user.id:
        raise NotFoundOrDenied()
    return group


def get_group(user, group_id) -> SavedGroupDetail:
    """The group with its practices (by name), if it is the user's own."""
    group = _owned(user, group_id)
    m, p = SavedGroupPractice.__table__, Practice.__table__
    rows = db.session.execute(
        sa.select(m.c.practice_code, p.c.name, p.c.status)
        .outerjoin(p, p.c.code == m.c.practice_code)
        .where(m.c.group_id == group.id)
        .order_by(p.c.name, m.c.practice_code)
    ).all()
    members = [GroupMember(code, name or code, status or "unknown") for code, name, status in rows]
    return SavedGroupDetail(group.id, group.name, members)


def _clean_name(name: str | None) -> str:
    text = " ".join((name or "").split())
    if not text:
        raise GroupError("Enter a name for the group.")
    if len(text) > MAX_NAME:
        raise GroupError(f"The name must be {MAX_NAME} characters or fewer.")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise GroupError("The name must not contain control characters.")
    return text


def create_group(user, name: str | None) -> SavedGroupDetail:
    if not is_signed_in(user):
        raise NotFoundOrDenied()
    text = _clean_name(name)
    if len(my_groups(user)) >= MAX_GROUPS:
        raise GroupError(f"You can save at most {MAX_GROUPS} groups; delete one first.")
    group = SavedGroup(owner_id=user.id, name=text, created_at=_now(), updated_at=_now())
    db.session.add(group)
    db.session.commit()
    return SavedGroupDetail(group.id, group.name, [])


def rename_group(user, group_id, name: str | None) -> None:
    group = _owned(user, group_id)
    group.name = _clean_name(name)
    group.updated_at = _now()
    db.session.commit()


def delete_group(user, group_id) -> None:
    group = _owned(user, group_id)
    m = SavedGroupPractice.__table__
    db.session.execute(m.delete().where(m.c.group_id == group.id))
    db.session.delete(group)
    db.session.commit()


def add_practice(user, group_id, code: str | None) -> str:
    """Add a practice by ODS code; returns its code."""
    group = _owned(user, group_id)
    practice = get_practice(code)
    if practice is None:
        raise GroupError("Enter the ODS code of a practice in England, e.g. A81001.")
    members = db.session.scalar(
        sa.select(sa.func.count()).where(SavedGroupPractice.group_id == group.id)
    )
    if db.session.get(SavedGroupPractice, (group.id, practice.code)) is not None:
        return practice.code
    if members >= MAX_PRACTICES:
        raise GroupError(f"A group can hold at most {MAX_PRACTICES} practices.")
    db.session.add(SavedGroupPractice(group_id=group.id, practice_code=practice.code,
                                      added_at=_now()))  # fmt: skip
    group.updated_at = _now()
    db.session.commit()
    return practice.code


def remove_practice(user, group_id, code: str | None) -> None:
    group = _owned(user, group_id)
    normal = normalise_code(code)
    m = SavedGroupPractice.__table__
    db.session.execute(m.delete().where(m.c.group_id == group.id, m.c.practice_code == normal))
    group.updated_at = _now()
    db.session.commit()


def group_codes(group_id: int) -> list[str]:
    m = SavedGroupPractice.__table__
    return list(db.session.scalars(sa.select(m.c.practice_code).where(m.c.group_id == group_id)))


def latest_group_period(metric_id: str, codes: list[str]) -> str | None:
    """A saved group's latest period of a metric: the newest any of its practices has."""
    return practices_latest_periods(codes, [metric_id]).get(metric_id)


def value_over(metric: Metric, period: str, codes: list[str], code: str, name: str) -> GroupValue:
    """The metric over a saved group's practices: benchmarks.value_over at the group level."""
    return benchmarks.value_over(metric, period, codes, LEVEL, code, name)


def saved_group_value(user, group_id, metric_id: str, period: str) -> GroupValue:
    """The user's group's value of a metric in a period (NotFoundOrDenied for another's)."""
    group = _owned(user, group_id)
    return value_over(METRICS[metric_id], period, group_codes(group.id), str(group.id), group.name)


def group_benchmark(user, group_id, metric_id: str, period: str | None = None) -> GroupBenchmark:
    """The group's value in the metric's latest period among its practices (or `period`),
    England's beside it and each practice's own figure."""
    detail = get_group(user, group_id)
    metric = METRICS[metric_id]
    period = period or latest_group_period(metric.id, detail.codes)
    if period is None:
        raise GroupError(f"No figures for {metric.id} are loaded for this group's practices.")
    value = value_over(metric, period, detail.codes, str(detail.id), detail.name)
    england = group_values(metric, period, {"england": ENGLAND})
    m = PracticeMetric.__table__
    stored = dict(
        db.session.execute(
            sa.select(m.c.practice_code, m.c.value).where(
                m.c.metric == metric.id, m.c.period == period, m.c.practice_code.in_(detail.codes)
            )
        ).all()
    )
    members = [
        MemberFigure(p.code, p.name, stored.get(p.code), format_value(metric, stored.get(p.code)))
        for p in detail.practices
    ]
    return GroupBenchmark(
        detail.id, detail.name, make_figure(metric, value.value, period), value,
        england[0] if england else None, members,
    )  # fmt: skip
