"""A practice's details and its place in the hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Icb, Pcn, Practice, Region, SubIcb

ODS_PRACTICE_CODE = re.compile(r"^[A-Z][0-9A-Z]{5}$")


@dataclass(frozen=True)
class Organisation:
    level: str
    code: str
    name: str


@dataclass(frozen=True)
class PracticeDetails:
    code: str
    name: str
    address: str | None
    town: str | None
    postcode: str | None
    telephone: str | None
    open_date: date | None
    close_date: date | None
    status: str
    is_england: bool
    pcn: Organisation | None
    sub_icb: Organisation | None
    icb: Organisation | None
    region: Organisation | None

    @property
    def is_open(self) -> bool:
        return self.status == "active"

    def organisations(self) -> list[Organisation]:
        return [o for o in (self.pcn, self.sub_icb, self.icb, self.region) if o is not None]


def normalise_code(code: str | None) -> str | None:
    """An ODS practice code in canonical form, or None when it cannot be one."""
    code = (code or "").strip().upper()
    return code if ODS_PRACTICE_CODE.match(code) else None


def get_practice(code: str | None) -> PracticeDetails | None:
    """The practice with this ODS code, with its PCN, sub-ICB, ICB and region; None if unknown."""
    code = normalise_code(code)
    if code is None:
        return None
    p, n, s, i, r = (m.__table__ for m in (Practice, Pcn, SubIcb, Icb, Region))
    row = db.session.execute(
        sa.select(
            p,
            n.c.name.label("pcn_name"),
            s.c.name.label("sub_icb_name"),
            s.c.icb_code,
            i.c.name.label("icb_name"),
            i.c.region_code,
            r.c.name.label("region_name"),
        )
        .select_from(p)
        .outerjoin(n, n.c.code == p.c.pcn_code)
        .outerjoin(s, s.c.code == p.c.sub_icb_code)
        .outerjoin(i, i.c.code == s.c.icb_code)
        .outerjoin(r, r.c.code == i.c.region_code)
        .where(p.c.code == code)
    ).first()
    if row is None:
        return None
    m = row._mapping

    def org(level: str, code_key: str, name_key: str) -> Organisation | None:
        if not m[code_key]:
            return None
        return Organisation(level, m[code_key], m[name_key] or m[code_key])

    return PracticeDetails(
        code=m["code"],
        name=m["name"],
        address=m["address"],
        town=m["town"],
        postcode=m["postcode"],
        telephone=m["telephone"],
        open_date=m["open_date"],
        close_date=m["close_date"],
        status=m["status"],
        is_england=m["is_england"],
        pcn=org("pcn", "pcn_code", "pcn_name"),
        sub_icb=org("sub_icb", "sub_icb_code", "sub_icb_name"),
        icb=org("icb", "icb_code", "icb_name"),
        region=org("region", "region_code", "region_name"),
    )


def count_practices(*, open_only: bool = True) -> int:
    """GP practices in England per ODS (open ones by default), as the home page states."""
    t = Practice.__table__
    query = sa.select(sa.func.count()).select_from(t).where(t.c.is_england, t.c.is_gp_practice)
    if open_only:
        query = query.where(t.c.status == "active")
    return db.session.execute(query).scalar_one()
