"""What is loaded, and the provenance of a dataset-period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.extensions import db
from portal.fetch.schedule import next_update_due
from portal.models import DatasetLoad
from portal.models.datasets import COVERAGE_PART
from portal.queries.types import Provenance
from portal.sources import source_label


@dataclass(frozen=True)
class LoadedDataset:
    dataset: str
    periods: int
    latest: str
    loaded_at: datetime
    synthetic: bool
    next_update_due: str  # from the publisher's cadence (portal/fetch/schedule.py)


def loaded_datasets() -> list[LoadedDataset]:
    """One line per dataset: how many periods, the latest, when last loaded, synthetic or not,
    and when its next edition is due."""
    t = DatasetLoad.__table__
    rows = db.session.execute(
        sa.select(
            t.c.dataset,
            sa.func.count(sa.distinct(t.c.period)),
            sa.func.max(t.c.period),
            sa.func.max(t.c.loaded_at),
            sa.func.max(sa.case((t.c.synthetic, 1), else_=0)),
        )
        .where(t.c.part != COVERAGE_PART)  # a coverage table alone loads no month's figures
        .group_by(t.c.dataset)
        .order_by(t.c.dataset)
    ).all()
    return [
        LoadedDataset(d, n, latest, at, bool(s), next_update_due(d, latest))
        for d, n, latest, at, s in rows
    ]


def provenance(dataset: str, period: str) -> Provenance:
    """The citation of a dataset-period and whether it was loaded from synthetic files."""
    t = DatasetLoad.__table__
    synthetic = db.session.execute(
        sa.select(sa.func.max(sa.case((t.c.synthetic, 1), else_=0))).where(
            t.c.dataset == dataset, t.c.period == period
        )
    ).scalar()
    return Provenance(dataset, period, source_label(dataset, period), bool(synthetic))


def provenance_map(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Provenance]:
    """`provenance` for many (dataset, period) pairs in one query."""
    if not pairs:
        return {}
    t = DatasetLoad.__table__
    synthetic = dict(
        ((dataset, period), bool(flag))
        for dataset, period, flag in db.session.execute(
            sa.select(t.c.dataset, t.c.period, sa.func.max(sa.case((t.c.synthetic, 1), else_=0)))
            .where(sa.tuple_(t.c.dataset, t.c.period).in_(list(pairs)))
            .group_by(t.c.dataset, t.c.period)
        ).all()
    )
    return {
        (dataset, period): Provenance(
            dataset, period, source_label(dataset, period), synthetic.get((dataset, period), False)
        )
        for dataset, period in pairs
    }


def any_synthetic() -> bool:
    """True when any loaded data is synthetic, so every page can say so."""
    t = DatasetLoad.__table__
    return db.session.execute(sa.select(t.c.id).where(t.c.synthetic).limit(1)).first() is not None
