"""Watchlists and email alerts: what each user follows, and what has been mailed to them."""

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

WATCH_KINDS = ("practice", "group", "pcn", "icb")  # group: a saved group's id
DIRECTIONS = ("above", "below")


class Watch(db.Model):
    """A user follows one practice, saved group, PCN or ICB, with the alerts they chose."""

    __tablename__ = "watch"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(20))  # ODS code, or the saved group's id
    new_data: Mapped[bool] = mapped_column(Boolean, default=True)
    spc: Mapped[bool] = mapped_column(Boolean, default=False)
    metric: Mapped[str | None] = mapped_column(String(60))  # for spc and the threshold
    threshold: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str | None] = mapped_column(String(5))  # above | below
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("user_id", "kind", "code"),)


class AlertSubscription(db.Model):
    """Whether a user gets alert emails at all: one-click unsubscribe turns it off."""

    __tablename__ = "alert_subscription"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime)


class AlertSent(db.Model):
    """One alert already mailed to a user (a dataset load, a signal, a crossing): never twice."""

    __tablename__ = "alert_sent"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(200))
    sent_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("user_id", "key"),)
