"""Practice mergers from ODS's successor organisations file: a practice's series breaks when
another practice's patients and activity move into it."""

from datetime import date

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PracticeSuccessor(db.Model):
    """A GP practice (predecessor) that closed into another (successor) from a date."""

    __tablename__ = "practice_successor"
    predecessor_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    successor_code: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(String(1))  # ODS's succession reason code, as published
    effective_date: Mapped[date] = mapped_column(Date)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM of effective_date: the first month
