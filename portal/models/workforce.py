"""General Practice Workforce facts: headcount and FTE totals per practice and month."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class WorkforcePractice(db.Model):
    """The practice-level CSV's totals; None where the publication says ND (not disclosed)."""

    __tablename__ = "workforce_practice"
    practice_code: Mapped[str] = mapped_column(String(10), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True, index=True)  # YYYY-MM
    total_patients: Mapped[int | None] = mapped_column(Integer)
    gp_hc: Mapped[float | None] = mapped_column(Float)
    gp_fte: Mapped[float | None] = mapped_column(Float)
    nurse_hc: Mapped[float | None] = mapped_column(Float)
    nurse_fte: Mapped[float | None] = mapped_column(Float)
    dpc_hc: Mapped[float | None] = mapped_column(Float)
    dpc_fte: Mapped[float | None] = mapped_column(Float)
    admin_hc: Mapped[float | None] = mapped_column(Float)
    admin_fte: Mapped[float | None] = mapped_column(Float)
