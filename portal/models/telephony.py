"""Cloud Based Telephony facts, summed over the month's days, as the publication's files give them.

- TelephonyCount: a practice's "By Durations" figures (indicator totals, wait and call-length
  bands), the source of every total and metric.
- TelephonyBreakdown: a practice's other splits ("By Day and Time" time-of-day bands, the
  "Calls Answered Metric" wait bands within and outside core hours), never added to totals
  unless the month has no By Durations rows for the practice.
- TelephonySharedCount: `PRACTICE_CODE = Unassigned` rows (phone accounts shared by several
  practices) by the geography codes they carry: counted at group levels, never at a practice.
- DatasetCoverage: practices included of open practices per dataset and month, as a
  publication states it (telephony's Publication Summary, Table 1); any dataset may use it.
"""

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
# The file kinds of a month, in the order they are preferred as the source of totals.
BREAKDOWNS = ("duration", "time", "core")


class TelephonyCount(db.Model):
    __tablename__ = "telephony_count"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # YYYY-MM
    indicator: Mapped[str] = mapped_column(String(10), primary_key=True)  # CBT001 ... CBT007
    band: Mapped[str] = mapped_column(String(60), primary_key=True)  # '' = the indicator's total
    calls: Mapped[int | None] = mapped_column(Integer)  # None = suppressed


class TelephonyBreakdown(db.Model):
    __tablename__ = "telephony_breakdown"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    breakdown: Mapped[str] = mapped_column(String(10), primary_key=True)  # 'time' or 'core'
    indicator: Mapped[str] = mapped_column(String(10), primary_key=True)
    band: Mapped[str] = mapped_column(String(60), primary_key=True)  # time or wait band; ''=total
    category: Mapped[str] = mapped_column(String(40), primary_key=True)  # Core_8_10 ...; '' none
    calls: Mapped[int | None] = mapped_column(Integer)


class TelephonySharedCount(db.Model):
    __tablename__ = "telephony_shared_count"
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    breakdown: Mapped[str] = mapped_column(String(10), primary_key=True)  # BREAKDOWNS
    region_code: Mapped[str] = mapped_column(String(20), primary_key=True)  # as published
    icb_code: Mapped[str] = mapped_column(String(20), primary_key=True)  # ('Unmapped' kept)
    sub_icb_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    pcn_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    indicator: Mapped[str] = mapped_column(String(10), primary_key=True)
    band: Mapped[str] = mapped_column(String(60), primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    calls: Mapped[int | None] = mapped_column(Integer)


class DatasetCoverage(db.Model):
    __tablename__ = "dataset_coverage"
    dataset: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)  # YYYY-MM
    practices_included: Mapped[int] = mapped_column(Integer)
    practices_open: Mapped[int] = mapped_column(Integer)
    source_file: Mapped[str] = mapped_column(String(255), default="")
