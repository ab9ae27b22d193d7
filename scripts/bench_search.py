"""Search-as-you-type over every practice in England: each prefix of a few queries (typos
included) through `search_practices`, as the suggestions box sends them. Prints the median
and p95 in ms, the first build of the in-process index apart. Target: p95 <= 20 ms.

Usage: python scripts/bench_search.py [--source real|demo] [--database sqlite|postgresql|both]
                                      [--url URL] [--rounds 5]
  --source real (the default when ../shared/nhs-data is there) loads the published epraccur
  (every GP practice in England, open and closed); demo generates 6,200 synthetic practices.
  --url reuses an already loaded database instead of building a fresh one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from scratch_database import scratch_database  # noqa: E402

EPRACCUR = ROOT.parent / "shared" / "nhs-data" / "ods" / "epraccur.csv"
QUERIES = [
    "Riverside Surgry",
    "st. george's medical centre",
    "St Georges and Riverside",
    "densham surgery",
    "Stockten on Tees",
    "TS18 1H",
    "A81001",
    "Queens Prk Medicl Centre",
]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def build(url: str, source: str) -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        if source == "real":
            from portal.ingest import load_paths

            load_paths("ods-practices", [EPRACCUR])
        else:
            from portal.ingest.demo import load_demo

            with tempfile.TemporaryDirectory() as folder:
                load_demo(practices=6200, months=1, folder=Path(folder))
        print(f"  {source} practices loaded in {time.perf_counter() - started:.0f} s")
        db.engine.dispose()


def bench(url: str, rounds: int) -> None:
    from portal import create_app
    from portal.extensions import db
    from portal.models import Practice
    from portal.queries.search import search_practices

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).where(Practice.is_england))
        started = time.perf_counter()
        search_practices("warm up", limit=10)
        print(f"  {total:,} practices in England; index built in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms (once per process and load)")  # fmt: skip
        times = []
        for _ in range(rounds):
            for query in QUERIES:
                for end in range(1, len(query) + 1):
                    if not query[:end].strip():
                        continue
                    started = time.perf_counter()
                    search_practices(query[:end], limit=10)
                    times.append((time.perf_counter() - started) * 1000)
                    db.session.rollback()
        flag = "ok" if p95(times) <= 20 else "OVER 20 ms"
        print(f"  {len(times)} searches: median {statistics.median(times):.2f} ms, "
              f"p95 {p95(times):.2f} ms, max {max(times):.2f} ms  {flag}")  # fmt: skip
        for query in QUERIES:
            first = search_practices(query, limit=1)
            shown = f"{first[0].code} {first[0].name}" if first else "(none)"
            print(f"  {query!r:32} -> {shown}")
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring")
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", choices=["real", "demo"])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--url", help="an already loaded database to search")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    source = args.source or ("real" if EPRACCUR.exists() else "demo")
    if args.url:
        print(f"database: {args.url.split('@')[-1]}")
        bench(args.url, args.rounds)
        return
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        print(f"database: {kind}")
        with scratch_database(kind) as url:
            build(url, source)
            bench(url, args.rounds)


if __name__ == "__main__":
    main()
