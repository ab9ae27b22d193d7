"""The demo's one practice merger: ODS's succ.csv layout, loaded through the ingester after
epraccur; the closed practice's list stops the month its merger takes effect, and the list
size series of the practice it merged into has the break there."""

from __future__ import annotations

import csv

import sqlalchemy as sa

from portal.extensions import db
from portal.ingest.demo import load_demo
from portal.models import Practice, PracticeSuccessor
from portal.queries.benchmarks import practice_trend
from portal.series_breaks import SUCCESSORS, breaks_within


def test_demo_merger_is_a_break_in_the_successors_list_size(app, tmp_path):
    with app.app_context():
        load_demo(practices=60, months=24, seed=2, folder=tmp_path)  # 2 closed practices
        with open(tmp_path / "succ.csv", newline="") as handle:
            assert {len(row) for row in csv.reader(handle)} == {5}
        (old, new, period), = db.session.execute(
            sa.select(PracticeSuccessor.predecessor_code, PracticeSuccessor.successor_code,
                      PracticeSuccessor.period)
        ).all()  # fmt: skip
        status = dict(db.session.execute(sa.select(Practice.code, Practice.status)).all())
        pcn = dict(db.session.execute(sa.select(Practice.code, Practice.pcn_code)).all())
        closed_series = [p.period for p in practice_trend(old, "list_size", 24)]
        series = [p.period for p in practice_trend(new, "list_size", 24)]
        found = breaks_within("list_size", series[0], series[-1], new)
    assert (status[old], status[new], pcn[old] == pcn[new]) == ("closed", "active", True)
    assert max(closed_series) < period <= series[-1]
    assert [(b.dataset, b.period) for b in found] == [(SUCCESSORS, period)]
