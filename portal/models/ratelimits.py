"""Rate-limit windows kept in the database, so every worker and app server counts together."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class RateLimitWindow(db.Model):
    __tablename__ = "rate_limit_window"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the key
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)  # epoch seconds
