"""Render time of the practice overview and the area dashboards, in-process (Flask test client),
on England-scale synthetic data. Prints the median and p95 per page. Target: p95 <= 100 ms.

Usage: python scripts/bench_pages.py [--practices 6200] [--months 24] [--runs 50]
                                     [--database sqlite:///instance/bench-pages.db]
The synthetic England is generated and loaded into the database the first time (a few minutes),
then reused.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402
from portal.models import DatasetLoad, Practice  # noqa: E402
from portal.queries.areas import AREAS  # noqa: E402


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--practices", type=int, default=6200)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database", default=f"sqlite:///{ROOT / 'instance' / 'bench-pages.db'}")
    args = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        if db.session.execute(sa.select(DatasetLoad.id).limit(1)).first() is None:
            from portal.ingest.demo import load_demo

            started = time.perf_counter()
            load_demo(practices=args.practices, months=args.months, progress=None)
            print(
                f"generated and loaded synthetic England in {time.perf_counter() - started:.0f} s"
            )
        t = Practice.__table__
        codes = list(
            db.session.execute(
                sa.select(t.c.code).where(t.c.status == "active", t.c.is_gp_practice)
            ).scalars()
        )
    print(f"database: {args.database} ({len(codes):,} open practices)")
    rng = random.Random(7)
    sample = [rng.choice(codes) for _ in range(args.runs)]
    client = app.test_client()
    pages = {"overview": ""} | {slug: f"/{slug}" for slug in AREAS}
    print(f"{'page':<24}{'median ms':>10}{'p95 ms':>10}  ({args.runs} practices at random)")
    worst = 0.0
    for name, suffix in pages.items():
        client.get(f"/practices/{sample[0]}{suffix}")  # warm the templates
        times = []
        for code in sample:
            started = time.perf_counter()
            response = client.get(f"/practices/{code}{suffix}")
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (code, suffix, response.status_code)
        worst = max(worst, p95(times))
        print(f"{name:<24}{statistics.median(times):>10.1f}{p95(times):>10.1f}")
    print(f"worst p95: {worst:.1f} ms (target 100 ms): ratio {worst / 100:.2f}")


if __name__ == "__main__":
    main()
