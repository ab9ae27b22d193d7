"""Similar practices as a comparator: a practice's peer group (portal/ingest/peers.py says how
it is chosen) and its value of a metric, the same way every other group's is made (ratio of
sums, or the sum), with the median practice of the group."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import sqlalchemy as sa

from portal.catalogue import Metric, format_value
from portal.extensions import db
from portal.models import Practice, PracticeMetric
from portal.models.peers import PracticePeer
from portal.queries.types import GroupValue

LEVEL = "peers"
NAME = "10 most similar practices"


@dataclass(frozen=True)
class Peer:
    code: str
    name: str
    rank: int
    distance: float


def practice_peers(practice_code: str) -> list[Peer]:
    """The practice's peers, most similar first."""
    peer, p = PracticePeer.__table__, Practice.__table__
    rows = db.session.execute(
        sa.select(peer.c.peer_code, p.c.name, peer.c.rank, peer.c.distance)
        .join(p, p.c.code == peer.c.peer_code)
        .where(peer.c.practice_code == practice_code)
        .order_by(peer.c.rank)
    ).all()
    return [Peer(code, name, rank, distance) for code, name, rank, distance in rows]


def peer_value(metric: Metric, period: str, practice_code: str) -> GroupValue | None:
    """The metric over the practice's peers in `period`; None without a peer group."""
    peer, m = PracticePeer.__table__, PracticeMetric.__table__
    codes = sa.select(peer.c.peer_code).where(peer.c.practice_code == practice_code)
    rows = db.session.execute(
        sa.select(m.c.value, m.c.numerator, m.c.denominator).where(
            m.c.metric == metric.id, m.c.period == period, m.c.practice_code.in_(codes)
        )
    ).all()
    if not rows:
        return None
    values = [r.value for r in rows if r.value is not None]
    if metric.aggregation == "sum":
        value = sum(values) if values else None
    else:
        pairs = [(r.numerator, r.denominator) for r in rows
                 if r.numerator is not None and r.denominator]  # fmt: skip
        denominator = sum(d for _, d in pairs)
        value = sum(n for n, _ in pairs) / denominator * metric.scale if denominator else None
    return GroupValue(
        level=LEVEL,
        code=practice_code,
        name=NAME,
        value=value,
        display=format_value(metric, value),
        practices=len(rows),
        mean_per_practice=statistics.fmean(values) if values else None,
        median=statistics.median(values) if values else None,
    )
