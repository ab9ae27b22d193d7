"""Peer groups: for every open practice in England, the 10 most similar practices.

Similarity is Euclidean distance over standardised features (each feature minus its mean over
the practices compared, divided by its standard deviation), each from its latest load:
- deprivation score (IMD, Fingertips), when loaded;
- registered patients (list size);
- the share of patients aged 65 and over;
- the share aged under 18, estimated from five-year bands as 0-14 plus three fifths of 15-19;
- dispensing status and rurality (1 or 0) from the latest payments file that gives them; a
  practice the file does not cover counts as the national share (its standardised value 0).
A practice missing any other feature has no peers. Ties go to the lower ODS code, so the
groups are reproducible. Recomputed after every load of an input dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from portal.ingest.base import bulk_insert
from portal.models import Practice, PracticeMetric, RegisteredPatientsByAge
from portal.models.payments import PaymentsPractice
from portal.models.peers import PracticePeer

PEERS = 10
INPUTS = {
    "ods-practices",
    "patients-registered",
    "deprivation",
    "payments",
}  # loads that change the groups
OLDER = {"65_69", "70_74", "75_79", "80_84", "85_89", "90_94", "95+"}
YOUNGER = {"0_4": 1.0, "5_9": 1.0, "10_14": 1.0, "15_19": 0.6}  # band -> share under 18
CHUNK = 500  # practices per block of the distance matrix (500 x 6,500 floats at a time)


def recompute(conn: Connection) -> int:
    """Replace every practice's peer group; returns how many practices have one."""
    features = practice_features(conn)
    peer = PracticePeer.__table__
    conn.execute(peer.delete())
    if features.shape[1] < 2 or len(features) <= PEERS:  # e.g. ODS loaded, no list sizes yet
        return 0
    spread = features.std(ddof=0).replace(0, 1.0)
    z = ((features - features.mean()) / spread).to_numpy()
    codes = features.index.to_numpy()
    rows = []
    for start in range(0, len(z), CHUNK):
        block = z[start : start + CHUNK]
        distance = np.sqrt(((block[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
        distance[np.arange(len(block)), np.arange(start, start + len(block))] = np.inf
        nearest = np.argsort(distance, axis=1, kind="stable")[:, :PEERS]  # codes are sorted
        for i, row in enumerate(nearest):
            rows += [(codes[start + i], rank, codes[j], float(distance[i, j]))
                     for rank, j in enumerate(row, start=1)]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["practice_code", "rank", "peer_code", "distance"])
    bulk_insert(conn, peer, frame)
    return len(features)


def practice_features(conn: Connection) -> pd.DataFrame:
    """One row per open practice in England with every feature, sorted by ODS code."""
    p = Practice.__table__
    open_codes = conn.execute(
        sa.select(p.c.code).where(p.c.status == "active", p.c.is_england)
    ).scalars()
    features = pd.DataFrame(index=pd.Index(sorted(open_codes), name="practice_code"))
    for name, metric in (("deprivation", "deprivation_score"), ("list_size", "list_size")):
        values = latest_metric(conn, metric)
        if values is not None:
            features[name] = values
    older, younger = age_shares(conn)
    if older is not None:
        features["share_65_plus"], features["share_under_18"] = older, younger
    features = features.dropna().astype(float)
    for name, flags in payment_flags(conn).items():
        known = flags.reindex(features.index).astype(float)
        if known.notna().any():
            features[name] = known.fillna(known.mean())
    return features


def latest_metric(conn: Connection, metric: str) -> pd.Series | None:
    m = PracticeMetric.__table__
    period = conn.execute(sa.select(sa.func.max(m.c.period)).where(m.c.metric == metric)).scalar()
    if period is None:
        return None
    rows = conn.execute(
        sa.select(m.c.practice_code, m.c.value).where(m.c.metric == metric, m.c.period == period)
    ).all()
    return pd.Series({code: value for code, value in rows}, dtype=float)


def payment_flags(conn: Connection) -> dict[str, pd.Series]:
    """Dispensing and rural (True/False) from the latest payments year that publishes each."""
    t = PaymentsPractice.__table__
    flags = {}
    for name in ("dispensing", "rural"):
        column = t.c[name]
        period = conn.execute(sa.select(sa.func.max(t.c.period)).where(column.is_not(None)))
        period = period.scalar()
        if period is None:
            continue
        rows = conn.execute(
            sa.select(t.c.practice_code, column).where(t.c.period == period, column.is_not(None))
        ).all()
        flags[name] = pd.Series({code: float(bool(v)) for code, v in rows}, dtype=float)
    return flags


def age_shares(conn: Connection) -> tuple[pd.Series | None, pd.Series | None]:
    """Each practice's share of patients aged 65+ and under 18, from the latest age bands."""
    a = RegisteredPatientsByAge.__table__
    period = conn.execute(sa.select(sa.func.max(a.c.period))).scalar()
    if period is None:
        return None, None
    rows = conn.execute(
        sa.select(a.c.practice_code, a.c.age_band, sa.func.sum(a.c.patients))
        .where(a.c.period == period)
        .group_by(a.c.practice_code, a.c.age_band)
    ).all()
    bands = pd.DataFrame(rows, columns=["practice_code", "band", "patients"])
    wide = bands.pivot_table(index="practice_code", columns="band", values="patients",
                             aggfunc="sum", fill_value=0)  # fmt: skip
    total = wide.sum(axis=1).replace(0, np.nan)
    older = wide[[b for b in wide.columns if b in OLDER]].sum(axis=1) / total
    younger = sum(wide[b] * share for b, share in YOUNGER.items() if b in wide.columns) / total
    return older, younger
