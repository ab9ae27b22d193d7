"""Saved groups: a user's own named set of practices, usable as a comparator like a PCN."""

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class SavedGroup(db.Model):
    """A named group of practices, private to its owner."""

    __tablename__ = "saved_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class SavedGroupPractice(db.Model):
    """One practice in a saved group."""

    __tablename__ = "saved_group_practice"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("saved_group.id", ondelete="CASCADE"), primary_key=True
    )
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    added_at: Mapped[datetime] = mapped_column(DateTime)
