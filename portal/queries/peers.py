"""Similar practices as a comparator: a practice's peer group (portal/ingest/peers.py says how
it is chosen); its value of a metric is made as every other group's is
(portal.queries.benchmarks.peer_value)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Practice
from portal.models.peers import PracticePeer

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


def peer_codes(practice_code: str) -> sa.Select:
    """The codes of the practice's peers, as a select to filter other tables by."""
    peer = PracticePeer.__table__
    return sa.select(peer.c.peer_code).where(peer.c.practice_code == practice_code)
