"""Private practice data: figures entered or uploaded by a practice's active members.

Rows are never updated in place: every save appends a row, so the latest row per
(practice, period, measure) is the current value and the earlier ones are its history.
"""

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PrivateEntry(db.Model):
    __tablename__ = "private_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    practice_code: Mapped[str] = mapped_column(ForeignKey("practice.code", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    measure: Mapped[str] = mapped_column(String(30))
    value: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    entered_at: Mapped[datetime] = mapped_column(DateTime)
    via: Mapped[str] = mapped_column(String(10))  # form | upload

    __table_args__ = (
        Index("ix_private_entry_practice_period", "practice_code", "period", "measure"),
    )
