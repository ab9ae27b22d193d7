"""How much of England a publication's month covers (practices included of open practices),
from dataset_coverage: an "England" figure over part of England must say so."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import DatasetCoverage, Practice, PracticeMetric
from portal.queries.types import Coverage

# Below this share of open practices, the loaded files hold only part of England (a regional
# file, an excerpt); above it, the gaps are practices the publication itself leaves out.
LOADED_SHARE_FOR_ENGLAND = 0.9
CACHE = "metric_coverage"  # db.session.info key: every figure asks, so once per transaction


def coverage(period: str, included: int, open_practices: int, published: bool) -> Coverage:
    """The counts with the sentence every surface shows."""
    words = f"{included:,} of {open_practices:,} practices"
    partial = included < open_practices
    what = f"The {period} publication covers" if published else f"The {period} figures loaded cover"
    sentence = (
        f"{what} only part of England ({words}): England and the national distribution are of "
        "those practices."
        if partial
        else f"{what} all of England ({words})."
    )
    return Coverage(included, open_practices, published, partial, sentence)


def dataset_coverage(dataset: str, period: str) -> Coverage | None:
    """The publication's coverage in that period; None when it did not publish one."""
    row = db.session.get(DatasetCoverage, (dataset, period))
    if row is None:
        return None
    return coverage(period, row.practices_included, row.practices_open, published=True)


def metric_coverage(metric_id: str, period: str) -> Coverage | None:
    """The coverage of the publication a metric's figure comes from, in that period; without a
    published coverage table, the practices loaded when they are clearly not all of England."""
    metric = METRICS.get(metric_id)
    if metric is None:
        return None
    known = db.session.info.setdefault(CACHE, {})
    if (metric_id, period) not in known:
        published = dataset_coverage(metric.dataset, period)
        known[metric_id, period] = published or loaded_coverage(metric_id, period)
    return known[metric_id, period]


def loaded_coverage(metric_id: str, period: str) -> Coverage | None:
    """Open practices with a figure against every open practice in England, when the loaded
    files hold clearly fewer (e.g. one region's file); None otherwise."""
    n = db.session.scalar(  # in the distribution, ranked or not (too few events)
        sa.select(sa.func.count()).where(
            PracticeMetric.metric == metric_id,
            PracticeMetric.period == period,
            PracticeMetric.in_distribution == 1,
        )
    )
    if not n:
        return None
    open_practices = db.session.scalar(
        sa.select(sa.func.count()).where(Practice.status == "active", Practice.is_england)
    )
    if not open_practices or n >= LOADED_SHARE_FOR_ENGLAND * open_practices:
        return None
    return coverage(period, n, open_practices, published=False)


@sa.event.listens_for(Session, "after_commit")
@sa.event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    """A commit (a load) or rollback may change what is covered: ask again."""
    session.info.pop(CACHE, None)
