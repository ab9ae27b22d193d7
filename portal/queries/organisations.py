"""PCNs, sub-ICB locations, ICBs and regions: lists, details and their member practices.

Also the one place a practice set is narrowed by organisation (`practices_in`), which the
practice list and the figure queries share.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Icb, Pcn, Practice, Region, SubIcb

LEVELS = ("pcn", "sub_icb", "icb", "region")
LEVEL_NAMES = {
    "pcn": "Primary care network",
    "sub_icb": "Sub-ICB location",
    "icb": "Integrated care board",
    "region": "NHS England region",
}
MODELS = {"pcn": Pcn, "sub_icb": SubIcb, "icb": Icb, "region": Region}
PARENT = {"pcn": "sub_icb", "sub_icb": "icb", "icb": "region", "region": None}
PARENT_COLUMN = {"pcn": "sub_icb_code", "sub_icb": "icb_code", "icb": "region_code"}


@dataclass(frozen=True)
class OrganisationSummary:
    """A PCN, sub-ICB location, ICB or region, with how many open practices it has."""

    level: str
    code: str
    name: str
    parent_level: str | None
    parent_code: str | None
    open_practices: int


@dataclass(frozen=True)
class MemberPractice:
    code: str
    name: str
    postcode: str | None
    status: str


@dataclass(frozen=True)
class OrganisationDetail:
    """An organisation, the organisations above it and every practice within it."""

    level: str
    code: str
    name: str
    parents: list[OrganisationSummary]
    practices: list[MemberPractice]


def organisation_exists(level: str, code: str) -> bool:
    t = MODELS[level].__table__
    return db.session.execute(sa.select(t.c.code).where(t.c.code == code)).first() is not None


def practices_in(level: str, code: str):
    """A condition on the practice table: practices within this organisation."""
    p, s, i = Practice.__table__, SubIcb.__table__, Icb.__table__
    if level == "pcn":
        return p.c.pcn_code == code
    if level == "sub_icb":
        return p.c.sub_icb_code == code
    if level == "icb":
        return p.c.sub_icb_code.in_(sa.select(s.c.code).where(s.c.icb_code == code))
    if level == "region":
        return p.c.sub_icb_code.in_(
            sa.select(s.c.code).join(i, i.c.code == s.c.icb_code).where(i.c.region_code == code)
        )
    raise ValueError(f"unknown organisation level {level!r}")


def practice_condition(filters: dict[str, str]):
    """England GP practices within every organisation named in `filters` (level -> code)."""
    p = Practice.__table__
    conditions = [p.c.is_england, p.c.is_gp_practice]
    conditions += [practices_in(level, code) for level, code in filters.items() if code]
    return sa.and_(*conditions)


def _open_counts(level: str):
    """A subquery: code -> number of open England GP practices within each organisation."""
    p, s, i = Practice.__table__, SubIcb.__table__, Icb.__table__
    key = {
        "pcn": p.c.pcn_code,
        "sub_icb": p.c.sub_icb_code,
        "icb": s.c.icb_code,
        "region": i.c.region_code,
    }[level]
    return (
        sa.select(key.label("code"), sa.func.count().label("n"))
        .select_from(p)
        .outerjoin(s, s.c.code == p.c.sub_icb_code)
        .outerjoin(i, i.c.code == s.c.icb_code)
        .where(p.c.is_england, p.c.is_gp_practice, p.c.status == "active")
        .group_by(key)
        .subquery()
    )


def list_organisations(
    level: str, *, parent: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[int, list[OrganisationSummary]]:
    """Organisations at one level (optionally within a parent code), by name; (count, page)."""
    t = MODELS[level].__table__
    counts = _open_counts(level)
    parent_col = t.c[PARENT_COLUMN[level]] if level in PARENT_COLUMN else sa.null()
    where = [parent_col == parent] if parent and level in PARENT_COLUMN else []
    total = db.session.execute(sa.select(sa.func.count()).select_from(t).where(*where)).scalar()
    rows = db.session.execute(
        sa.select(t.c.code, t.c.name, parent_col, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.code == t.c.code)
        .where(*where)
        .order_by(t.c.name, t.c.code)
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [
        OrganisationSummary(level, code, name, PARENT[level], parent_code, n)
        for code, name, parent_code, n in rows
    ]


def get_organisation(level: str, code: str | None) -> OrganisationDetail | None:
    """The organisation, its parents up to the region and its member practices; None if unknown."""
    code = (code or "").strip().upper()
    if level not in MODELS or not code or len(code) > 10:
        return None
    summary = _summary(level, code)
    if summary is None:
        return None
    parents = []
    current = summary
    while current.parent_level and current.parent_code:
        current = _summary(current.parent_level, current.parent_code)
        if current is None:
            break
        parents.append(current)
    p = Practice.__table__
    members = db.session.execute(
        sa.select(p.c.code, p.c.name, p.c.postcode, p.c.status)
        .where(practice_condition({level: code}))
        .order_by(p.c.name, p.c.code)
    ).all()
    return OrganisationDetail(
        level=level,
        code=summary.code,
        name=summary.name,
        parents=parents,
        practices=[MemberPractice(*row) for row in members],
    )


def _summary(level: str, code: str) -> OrganisationSummary | None:
    t = MODELS[level].__table__
    counts = _open_counts(level)
    parent_col = t.c[PARENT_COLUMN[level]] if level in PARENT_COLUMN else sa.null()
    row = db.session.execute(
        sa.select(t.c.code, t.c.name, parent_col, sa.func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.code == t.c.code)
        .where(t.c.code == code)
    ).first()
    if row is None:
        return None
    return OrganisationSummary(level, row[0], row[1], PARENT[level], row[2], row[3])


@dataclass(frozen=True)
class PracticeSummary:
    code: str
    name: str
    town: str | None
    postcode: str | None
    status: str
    pcn_code: str | None
    sub_icb_code: str | None


def list_practices(
    filters: dict[str, str], *, status: str | None = None, offset: int = 0, limit: int = 100
) -> tuple[int, list[PracticeSummary]]:
    """England GP practices within the named organisations, by code; (count, page)."""
    p = Practice.__table__
    condition = practice_condition(filters)
    if status:
        condition = sa.and_(condition, p.c.status == status)
    total = db.session.execute(sa.select(sa.func.count()).select_from(p).where(condition)).scalar()
    rows = db.session.execute(
        sa.select(
            p.c.code, p.c.name, p.c.town, p.c.postcode, p.c.status, p.c.pcn_code, p.c.sub_icb_code
        )
        .where(condition)
        .order_by(p.c.code)
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [PracticeSummary(*row) for row in rows]
