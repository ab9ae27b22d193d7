"""Provenance: one row per load of a dataset-period, so every figure can name its source."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

COVERAGE_PART = "coverage"  # a load of a coverage table only: it holds no month's figures


class DatasetLoad(db.Model):
    __tablename__ = "dataset_load"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset: Mapped[str] = mapped_column(String(40), index=True)
    period: Mapped[str] = mapped_column(String(10))
    part: Mapped[str] = mapped_column(String(20), default="")  # file kind within a dataset
    source_file: Mapped[str] = mapped_column(String(300))
    checksum: Mapped[str] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(Integer)
    rows_loaded: Mapped[int] = mapped_column(Integer)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(20), default="loaded")
    loaded_at: Mapped[datetime] = mapped_column(DateTime)
    # the download it came from (`flask data fetch`); empty for files loaded by hand
    source_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    download_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    download_bytes: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
