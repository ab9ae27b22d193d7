"""Registered-patient facts: list size per practice and month, and five-year bands by sex."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class RegisteredPatients(db.Model):
    __tablename__ = "registered_patients"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    patients: Mapped[int] = mapped_column(Integer)


class RegisteredPatientsByAge(db.Model):
    __tablename__ = "registered_patients_by_age"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    sex: Mapped[str] = mapped_column(String(6), primary_key=True)  # male|female
    age_band: Mapped[str] = mapped_column(String(6), primary_key=True)  # 0_4 ... 95+
    patients: Mapped[int] = mapped_column(Integer)
