"""Precomputed metric values, group values and national distributions, so reads are lookups."""

from sqlalchemy import Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class PracticeMetric(db.Model):
    """One practice's value of one metric in one period, with its national percentile rank."""

    __tablename__ = "practice_metric"
    metric: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    percentile: Mapped[float | None] = mapped_column(Float)
    in_distribution: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (Index("ix_practice_metric_practice", "practice_code", "metric", "period"),)


class GroupMetric(db.Model):
    """A metric for a PCN, sub-ICB, ICB, region or England: ratio of sums (or sum), never mean of ratios."""

    __tablename__ = "group_metric"
    metric: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    level: Mapped[str] = mapped_column(
        String(10), primary_key=True
    )  # pcn|sub_icb|icb|region|england
    code: Mapped[str] = mapped_column(String(10), primary_key=True)
    value: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    practices: Mapped[int] = mapped_column(Integer)
    mean_per_practice: Mapped[float | None] = mapped_column(Float)
    median: Mapped[float | None] = mapped_column(Float)


class MetricDistribution(db.Model):
    """National distribution of a metric over open practices with a valid denominator."""

    __tablename__ = "metric_distribution"
    metric: Mapped[str] = mapped_column(String(60), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    excluded: Mapped[int] = mapped_column(Integer)
    median: Mapped[float | None] = mapped_column(Float)
    q1: Mapped[float | None] = mapped_column(Float)
    q3: Mapped[float | None] = mapped_column(Float)
    deciles: Mapped[str] = mapped_column(Text)  # JSON list of the 9 cut points
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
