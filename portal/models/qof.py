"""Quality and Outcomes Framework facts: registers (prevalence), indicator mapping, achievement."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class QofPrevalence(db.Model):
    """One disease register of a practice in a QOF year, with the list size of its list type."""

    __tablename__ = "qof_prevalence"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # 2020-21
    group_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    patient_list_type: Mapped[str] = mapped_column(String(10))
    register: Mapped[int | None] = mapped_column(Integer)
    list_size: Mapped[int | None] = mapped_column(Integer)


class QofIndicator(db.Model):
    """MAPPING_INDICATORS: an indicator's points, group (register) and domain in a QOF year."""

    __tablename__ = "qof_indicator"
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    indicator_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    point_value: Mapped[float | None] = mapped_column(Float)
    group_code: Mapped[str] = mapped_column(String(12))
    group_description: Mapped[str] = mapped_column(String(200))
    domain_code: Mapped[str] = mapped_column(String(12))
    domain_description: Mapped[str] = mapped_column(String(200))
    patient_list_type: Mapped[str] = mapped_column(String(10))


class QofAchievement(db.Model):
    """The achievement file's measures for one practice and indicator (long file pivoted)."""

    __tablename__ = "qof_achievement"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)
    indicator_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    achieved_points: Mapped[float | None] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    pcas: Mapped[float | None] = mapped_column(Float)  # personalised care adjustments
