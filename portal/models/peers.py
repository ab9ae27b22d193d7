"""Each open practice's most similar practices in England, recomputed whenever an input loads."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PracticePeer(db.Model):
    __tablename__ = "practice_peer"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    rank: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1 = most similar
    peer_code: Mapped[str] = mapped_column(String(10))
    distance: Mapped[float] = mapped_column(Float)  # over standardised features
