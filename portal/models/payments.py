"""NHS Payments to General Practice: headline figures per practice and year, and every
payment line the year's file publishes (the column set drifts year to year)."""

from sqlalchemy import Boolean, Float, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PaymentsPractice(db.Model):
    __tablename__ = "payments_practice"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # 2021-22
    registered_patients: Mapped[float | None] = mapped_column(Float)  # last known, may be decimal
    weighted_patients: Mapped[float | None] = mapped_column(Float)
    total_payments: Mapped[float | None] = mapped_column(Float)
    per_registered: Mapped[float | None] = mapped_column(Float)  # as published
    per_weighted: Mapped[float | None] = mapped_column(Float)  # as published
    dispensing: Mapped[bool | None] = mapped_column(Boolean)  # 'Dispensing Practice' Yes/No
    rural: Mapped[bool | None] = mapped_column(Boolean)  # 'Practice Rurality' Rural/Urban


class PaymentLine(db.Model):
    """One published payment column for a practice: the column heading and the amount (£)."""

    __tablename__ = "payment_line"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    item: Mapped[str] = mapped_column(String(200), primary_key=True)
    amount: Mapped[float | None] = mapped_column(Float)
