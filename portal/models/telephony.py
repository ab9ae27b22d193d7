"""Cloud Based Telephony facts: one row per practice x month x indicator x band, as published."""

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

# The publication's indicators.
INDICATORS = {
    "CBT001": "Inbound calls",
    "CBT002": "Calls ended in the menu",
    "CBT003": "Calls answered (by wait time)",
    "CBT004": "Missed calls",
    "CBT005": "Callbacks requested",
    "CBT006": "Callbacks made",
    "CBT007": "Calls answered (by call length)",
}


class TelephonyCount(db.Model):
    __tablename__ = "telephony_count"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # YYYY-MM
    indicator: Mapped[str] = mapped_column(String(10), primary_key=True)  # CBT001 ... CBT007
    band: Mapped[str] = mapped_column(String(60), primary_key=True)  # '' = the indicator's total
    calls: Mapped[int | None] = mapped_column(Integer)  # None = suppressed
