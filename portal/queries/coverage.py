"""How much of England a publication's month covers (practices included of open practices),
from dataset_coverage: an "England" figure over part of England must say so."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import DatasetCoverage, MetricDistribution, Practice

# Below this share of open practices, the loaded files hold only part of England (a regional
# file, an excerpt); above it, the gaps are practices the publication itself leaves out.
LOADED_SHARE_FOR_ENGLAND = 0.9


@dataclass(frozen=True)
class Coverage:
    dataset: str
    period: str
    practices_included: int
    practices_open: int
    published: bool = True  # the publication's own coverage table; False: what is loaded

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
    """The coverage of the publication a metric's figure comes from, in that period; without a
    published coverage table, the practices loaded when they are clearly not all of England."""
    metric = METRICS.get(metric_id)
    if metric is None:
        return None
    published = dataset_coverage(metric.dataset, period)
    if published is not None:
        return published
    return loaded_coverage(metric.dataset, metric_id, period)


def loaded_coverage(dataset: str, metric_id: str, period: str) -> Coverage | None:
    """Open practices with a figure against every open practice in England, when the loaded
    files hold clearly fewer (e.g. one region's file); None otherwise."""
    n = db.session.scalar(
        sa.select(MetricDistribution.n).where(
            MetricDistribution.metric == metric_id, MetricDistribution.period == period
        )
    )
    if not n:
        return None
    open_practices = db.session.scalar(
        sa.select(sa.func.count()).where(Practice.status == "active", Practice.is_england)
    )
    if not open_practices or n >= LOADED_SHARE_FOR_ENGLAND * open_practices:
        return None
    return Coverage(dataset, period, n, open_practices, published=False)
