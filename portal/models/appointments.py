"""Appointments in General Practice (GPAD) facts: one row per practice and month.

Every appointments metric and breakdown is a share of one published dimension (status, HCP
type, mode, booking lead time), so each dimension's counts are stored as columns: the crosstab's
~200 rows per practice-month become one row, which keeps an England month's load fast.
"""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# Published labels of each crosstab dimension (inner spaces collapsed) -> column, in order.
STATUSES = {"Attended": "attended", "DNA": "dna", "Unknown": "status_unknown"}
HCP_TYPES = {"GP": "gp", "Other Practice staff": "other_staff", "Unknown": "hcp_unknown"}
MODES = {
    "Face-to-Face": "face_to_face",
    "Telephone": "telephone",
    "Video Conference/Online": "video_online",
    "Home Visit": "home_visit",
    "Unknown": "mode_unknown",
}
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
# crosstab column -> its labels and their columns
DIMENSIONS = {
    "APPT_STATUS": STATUSES,
    "HCP_TYPE": HCP_TYPES,
    "APPT_MODE": MODES,
    "TIME_BETWEEN_BOOK_AND_APPT": LEAD_TIMES,
}
COUNT_COLUMNS = ["total", *(c for labels in DIMENSIONS.values() for c in labels.values())]


class AppointmentMonth(db.Model):
    """A practice's appointments in a month, split by each dimension; each split sums to
    `total`. 0 = no appointments published in that cell; None = every count in it suppressed."""

    __tablename__ = "appointment_month"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # YYYY-MM
    total: Mapped[int | None] = mapped_column(Integer)
    attended: Mapped[int | None] = mapped_column(Integer)
    dna: Mapped[int | None] = mapped_column(Integer)
    status_unknown: Mapped[int | None] = mapped_column(Integer)
    gp: Mapped[int | None] = mapped_column(Integer)
    other_staff: Mapped[int | None] = mapped_column(Integer)
    hcp_unknown: Mapped[int | None] = mapped_column(Integer)
    face_to_face: Mapped[int | None] = mapped_column(Integer)
    telephone: Mapped[int | None] = mapped_column(Integer)
    video_online: Mapped[int | None] = mapped_column(Integer)
    home_visit: Mapped[int | None] = mapped_column(Integer)
    mode_unknown: Mapped[int | None] = mapped_column(Integer)
    same_day: Mapped[int | None] = mapped_column(Integer)
    day_1: Mapped[int | None] = mapped_column(Integer)
    days_2_7: Mapped[int | None] = mapped_column(Integer)
    days_8_14: Mapped[int | None] = mapped_column(Integer)
    days_15_21: Mapped[int | None] = mapped_column(Integer)
    days_22_28: Mapped[int | None] = mapped_column(Integer)
    days_over_28: Mapped[int | None] = mapped_column(Integer)
    lead_unknown: Mapped[int | None] = mapped_column(Integer)
