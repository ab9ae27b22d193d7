"""Appointments in General Practice (GPAD) facts, summed over national categories.

One row per practice x month x appointment status x HCP type x mode, with the booking lead
time bands as columns: the grain of practice x month x status x HCP type x mode x lead time
that every appointments metric and breakdown needs, at a tenth of the raw crosstab's rows.
"""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# Published TIME_BETWEEN_BOOK_AND_APPT labels (inner spaces collapsed) -> column, in order.
LEAD_TIMES = {
    "Same Day": "same_day",
    "1 Day": "day_1",
    "2 to 7 Days": "days_2_7",
    "8 to 14 Days": "days_8_14",
    "15 to 21 Days": "days_15_21",
    "22 to 28 Days": "days_22_28",
    "More than 28 Days": "days_over_28",
    "Unknown / Data Issue": "lead_unknown",
}


class AppointmentCount(db.Model):
    __tablename__ = "appointment_count"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # YYYY-MM
    status: Mapped[str] = mapped_column(String(20), primary_key=True)  # Attended | DNA | Unknown
    hcp_type: Mapped[str] = mapped_column(String(40), primary_key=True)  # GP | Other ... | Unknown
    mode: Mapped[str] = mapped_column(String(40), primary_key=True)  # Face-to-Face | Telephone ...
    # appointments by booking lead time; 0 = none published, None = suppressed
    same_day: Mapped[int | None] = mapped_column(Integer)
    day_1: Mapped[int | None] = mapped_column(Integer)
    days_2_7: Mapped[int | None] = mapped_column(Integer)
    days_8_14: Mapped[int | None] = mapped_column(Integer)
    days_15_21: Mapped[int | None] = mapped_column(Integer)
    days_22_28: Mapped[int | None] = mapped_column(Integer)
    days_over_28: Mapped[int | None] = mapped_column(Integer)
    lead_unknown: Mapped[int | None] = mapped_column(Integer)
