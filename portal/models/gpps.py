"""GP Patient Survey facts: response counts per practice and year, and each question's
evaluative summary (the share answering positively, its confidence interval and bases)."""

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class GppsPractice(db.Model):
    __tablename__ = "gpps_practice"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # survey year
    distributed: Mapped[float | None] = mapped_column(Float)
    received: Mapped[float | None] = mapped_column(Float)
    response_rate: Mapped[float | None] = mapped_column(Float)  # 0-1 as published
    population: Mapped[float | None] = mapped_column(Float)


class GppsQuestion(db.Model):
    """One question's `.pcteval` family for a practice: fractions 0-1 as published."""

    __tablename__ = "gpps_question"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    question: Mapped[str] = mapped_column(String(60), primary_key=True)  # e.g. overallexp
    pct_eval: Mapped[float | None] = mapped_column(Float)
    low_ci: Mapped[float | None] = mapped_column(Float)
    high_ci: Mapped[float | None] = mapped_column(Float)
    count_eval: Mapped[float | None] = mapped_column(Float)  # weighted positive answers
    base_weighted: Mapped[float | None] = mapped_column(Float)  # weighted evaluative base
    base_unweighted: Mapped[float | None] = mapped_column(Float)
