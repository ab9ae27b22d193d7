"""How much of England a publication's month covers (practices included of open practices),
from dataset_coverage: an "England" figure over part of England must say so."""

from __future__ import annotations

from dataclasses import dataclass

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import DatasetCoverage


@dataclass(frozen=True)
class Coverage:
    dataset: str
    period: str
    practices_included: int
    practices_open: int

    @property
    def partial(self) -> bool:
        return self.practices_included < self.practices_open

    @property
    def words(self) -> str:
        """As figures are labelled: '4,649 of 6,220 practices'."""
        return f"{self.practices_included:,} of {self.practices_open:,} practices"


def dataset_coverage(dataset: str, period: str) -> Coverage | None:
    """The publication's coverage in that period; None when it did not publish one."""
    row = db.session.get(DatasetCoverage, (dataset, period))
    if row is None:
        return None
    return Coverage(dataset, period, row.practices_included, row.practices_open)


def metric_coverage(metric_id: str, period: str) -> Coverage | None:
    """The coverage of the publication a metric's figure comes from, in that period."""
    metric = METRICS.get(metric_id)
    return dataset_coverage(metric.dataset, period) if metric else None
