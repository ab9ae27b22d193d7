"""Render time of a group dashboard (/icbs/<code>?metric=...) for an ICB of about 200 member
practices, in-process (Flask test client), on synthetic data. Prints the median and p95 against
the 150 ms target (issue 17): cold (the overview computed afresh, as after each data load) and
warm (from the per-process cache of portal.queries.groups, as every later request).

Usage: python scripts/bench_group_page.py [--practices 8400] [--months 24] [--runs 40]
                                          [--metric dna_rate] [--database sqlite:///...]
The synthetic England (42 ICBs, so 8,400 practices make ICBs of 200) is generated and loaded
into the database the first time (about three minutes), then reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from portal import create_app, worker  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import DatasetLoad, Practice, SubIcb  # noqa: E402
from portal.queries import groups  # noqa: E402

TARGET_MS = 150.0


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=8400)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--metric", default="dna_rate")
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench-groups.db'}")
    args = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "RATELIMIT_ENABLED": False})
    worker.prepare()  # as wsgi.py readies a gunicorn worker
    with app.app_context():
        if db.session.execute(sa.select(DatasetLoad.id).limit(1)).first() is None:
            upgrade()
            from portal.ingest.demo import load_demo

            started = time.perf_counter()
            load_demo(
                practices=args.practices,
                months=args.months,
                folder=ROOT / "instance" / "bench-groups-data",
                progress=None,
            )
            print(
                f"generated and loaded synthetic England in {time.perf_counter() - started:.0f} s"
            )
        p, s = Practice.__table__, SubIcb.__table__
        icb, members = db.session.execute(
            sa.select(s.c.icb_code, sa.func.count())
            .join(p, p.c.sub_icb_code == s.c.code)
            .where(p.c.is_england, p.c.is_gp_practice)
            .group_by(s.c.icb_code)
            .order_by(sa.func.count().desc(), s.c.icb_code)
        ).first()
    print(f"database: {args.database}; ICB {icb} with {members} member practices")
    client = app.test_client()
    pages = {
        "ICB figures only": f"/icbs/{icb}",
        f"ICB + members ({args.metric})": f"/icbs/{icb}?metric={args.metric}",
        "ICB + members, sort=-value": f"/icbs/{icb}?metric={args.metric}&sort=-value",
    }
    print(f"{'page':<44}{'median ms':>10}{'p95 ms':>10}  ({args.runs} runs each)")
    worst = {"cold": 0.0, "warm": 0.0}
    for name, address in pages.items():
        for _ in range(2):  # warm templates, scipy and statsmodels imports
            assert client.get(address).status_code == 200
        for mode in ("cold", "warm"):  # cold: the figures computed afresh (no cached overview)
            times = []
            for _ in range(args.runs):
                if mode == "cold":
                    groups._CACHE.clear()
                started = time.perf_counter()
                response = client.get(address)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (address, response.status_code)
            worst[mode] = max(worst[mode], p95(times))
            label = f"{name}, {mode}"
            print(f"{label:<44}{statistics.median(times):>10.1f}{p95(times):>10.1f}")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for mode, value in worst.items():
        print(
            f"worst p95 {mode}: {value:.1f} ms (target {TARGET_MS:.0f} ms): "
            f"ratio {value / TARGET_MS:.2f}"
        )


if __name__ == "__main__":
    main()
