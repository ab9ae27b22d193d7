"""The NHS organisation hierarchy: region > ICB > sub-ICB location > PCN > practice.

Links up the hierarchy are plain indexed codes, not foreign keys: each publication loads on its
own, in any order, and may name an organisation another has not described yet.
"""

from datetime import date

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

LEVELS = ("pcn", "sub_icb", "icb", "region", "england")  # the groups every figure is set against
ENGLAND = "ENG"  # the code of the England group


class Region(db.Model):
    __tablename__ = "region"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    ons_code: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))


class Icb(db.Model):
    __tablename__ = "icb"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    ons_code: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(10), index=True)


class SubIcb(db.Model):
    __tablename__ = "sub_icb"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    ons_code: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(200))
    icb_code: Mapped[str | None] = mapped_column(String(10), index=True)


class Pcn(db.Model):
    __tablename__ = "pcn"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    sub_icb_code: Mapped[str | None] = mapped_column(String(10), index=True)


class Practice(db.Model):
    """A GP practice as published in epraccur, linked up the hierarchy."""

    __tablename__ = "practice"
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str | None] = mapped_column(String(400))
    town: Mapped[str | None] = mapped_column(String(100), index=True)
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    telephone: Mapped[str | None] = mapped_column(String(30))
    open_date: Mapped[date | None] = mapped_column(Date)
    close_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="active")  # active|closed|dormant
    is_england: Mapped[bool] = mapped_column(Boolean, default=True)
    # False for list-holding practices that epraccur does not class as GP practices
    is_gp_practice: Mapped[bool] = mapped_column(Boolean, default=True)
    pcn_code: Mapped[str | None] = mapped_column(String(10), index=True)
    sub_icb_code: Mapped[str | None] = mapped_column(String(10), index=True)
