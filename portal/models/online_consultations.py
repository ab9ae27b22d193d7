"""Submissions via Online Consultation Systems: practice x month, and practice x weekday x time."""

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class OnlineConsultation(db.Model):
    """The practice-level long file pivoted to one row per practice and month (None = missing)."""

    __tablename__ = "online_consultation"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # YYYY-MM
    supplier: Mapped[str | None] = mapped_column(Text)  # may name several suppliers
    participation: Mapped[int | None] = mapped_column(Integer)
    capability: Mapped[int | None] = mapped_column(Integer)
    system_usage: Mapped[int | None] = mapped_column(Integer)
    submissions: Mapped[int | None] = mapped_column(Integer)  # OC_TOTAL_SUBMISSIONS
    clinical: Mapped[int | None] = mapped_column(Integer)
    admin: Mapped[int | None] = mapped_column(Integer)
    other: Mapped[int | None] = mapped_column(Integer)
    patients_registered: Mapped[int | None] = mapped_column(Integer)
    published_rate_per_1000: Mapped[float | None] = mapped_column(Float)


class OnlineConsultationTime(db.Model):
    """Submissions by weekday and two-hour band (the day-and-time file)."""

    __tablename__ = "online_consultation_time"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    weekday: Mapped[str] = mapped_column(String(10), primary_key=True)
    time_band: Mapped[str] = mapped_column(String(20), primary_key=True)  # '08:00 - 09:59'
    submissions: Mapped[int | None] = mapped_column(Integer)
