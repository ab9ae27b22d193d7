"""Query-layer lookups on England-scale data (synthetic demo: 6,200 practices, 24 months),
SQLite and PostgreSQL: median milliseconds over 200 calls each, target <= 10 ms.

Generic over the catalogue: the "overview" lookups are the practice record, its latest value
of every metric that has data, the overview's headlines, each area's view (what its page, API
endpoint and MCP tool read) and each activity area's practice query; the benchmark lookup is `practice_benchmark` for one
metric (--metric, default the first catalogue metric with data). Each call picks a practice at
random from those loaded.

Usage: python scripts/bench_queries.py [--database sqlite|postgresql|both] [--url URL]
                                       [--months N] [--metric ID]
  --url reuses an already loaded database (e.g. the one `make run` builds) instead of
  building a fresh one with the demo generator.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from scratch_database import scratch_database  # noqa: E402

CALLS = 200


def lookups(metric_id: str | None) -> dict:
    """name -> callable(practice_code); built after the app exists."""
    from portal.catalogue import METRICS
    from portal.extensions import db
    from portal.models import PracticeMetric
    from portal.queries.appointments import practice_appointments
    from portal.queries.area_view import area_view
    from portal.queries.areas import AREAS
    from portal.queries.benchmarks import practice_benchmark, practice_figure
    from portal.queries.online_consultations import practice_online_consultations
    from portal.queries.overview import headline_figures
    from portal.queries.practices import get_practice
    from portal.queries.telephony import practice_telephony

    t = PracticeMetric.__table__
    with_data = set(db.session.execute(sa.select(t.c.metric).distinct()).scalars())
    metrics = [m for m in METRICS if m in with_data]
    benchmark_metric = metric_id or metrics[0]
    calls = {
        "get_practice": lambda code: get_practice(code),
        f"latest figure of all {len(metrics)} metrics with data": lambda code: [
            practice_figure(code, m) for m in metrics
        ],
        f"practice_benchmark({benchmark_metric})": lambda code: practice_benchmark(
            get_practice(code), benchmark_metric
        ),
        "overview.headline_figures (overview page, API, MCP)": headline_figures,
    }
    for slug, area in AREAS.items():
        if any(m.id in with_data for m in area.metrics):
            calls[f"area_view({slug})"] = lambda code, slug=slug: area_view(
                get_practice(code), slug
            )
    for function in (practice_appointments, practice_online_consultations, practice_telephony):
        calls[f"{function.__name__}(months=12)"] = lambda code, f=function: f(code, months=12)
    return calls


def bench(url: str, metric_id: str | None) -> None:
    from portal import create_app
    from portal.extensions import db
    from portal.models import Practice

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        codes = list(
            db.session.execute(
                sa.select(Practice.code).where(Practice.status == "active")
            ).scalars()
        )
        print(f"  {len(codes):,} open practices")
        rng = random.Random(1)
        for name, call in lookups(metric_id).items():
            call(codes[0])  # warm caches and compiled statements once
            times, cpu = [], []
            for _ in range(CALLS):
                code = rng.choice(codes)
                started, cpu_started = time.perf_counter(), time.process_time()
                call(code)
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                db.session.rollback()
            median = statistics.median(times)
            flag = "ok" if median <= 10 else "OVER 10 ms"
            print(f"  {name:50} median {median:6.2f} ms (CPU {statistics.median(cpu):6.2f} ms)  "
                  f"p90 {statistics.quantiles(times, n=10)[-1]:6.2f} ms  {flag}")  # fmt: skip
        print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs while measuring")
        db.engine.dispose()


def build(url: str, months: int) -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.ingest.demo import load_demo

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        upgrade()
        started = time.perf_counter()
        load_demo(practices=6200, months=months, folder=Path(folder))
        print(f"  demo data loaded in {time.perf_counter() - started:.0f} s")
        from portal.extensions import db

        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--url", help="an already loaded database to query")
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--metric", help="the benchmark lookup's metric id")
    args = parser.parse_args()
    if args.url:
        print(f"database: {args.url.split('@')[-1]}")
        bench(args.url, args.metric)
        return
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    for kind in kinds:
        print(f"database: {kind}")
        with scratch_database(kind) as url:
            build(url, args.months)
            bench(url, args.metric)


if __name__ == "__main__":
    main()
