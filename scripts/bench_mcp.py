"""`tools/call get_practice_overview` through the real MCP endpoint: gunicorn with 2 workers,
England-scale synthetic data, a valid OAuth token. Prints the median and p95 latency, requests
per second, and the ratio of the median to the same query-layer call made in-process.

Usage: python scripts/bench_mcp.py [--requests 400] [--port 5849] [--rebuild]
The synthetic England (6,200 practices, 24 months, every dataset) is built once into
instance/bench-mcp/ and reused by later runs.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

FOLDER = ROOT / "instance" / "bench-mcp"
DATABASE = FOLDER / "bench.db"
EMAIL = "bench@example.org"


def build(rebuild: bool) -> None:
    from portal.accounts import create_user
    from portal.ingest import demo

    if DATABASE.exists() and not rebuild:
        with create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{DATABASE}"}).app_context():
            upgrade()  # later migrations, on the data built before them
        return
    FOLDER.mkdir(parents=True, exist_ok=True)
    DATABASE.unlink(missing_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{DATABASE}"})
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        try:  # every dataset, whether or not the activity writer is wired into the demo yet
            from portal.ingest.demo_activity import write_activity

            if write_activity not in demo.DEMO_WRITERS:
                demo.DEMO_WRITERS.append(write_activity)
        except ImportError:
            pass
        demo.load_demo(folder=FOLDER / "files", progress=lambda m: print("  " + m))
        create_user(EMAIL, "benchmark-password")
    print(f"built England-scale demo data in {time.perf_counter() - started:.0f} s")


def sample_practices(app, n: int = 200) -> list[str]:
    from portal.models import Practice

    with app.app_context():
        codes = db.session.scalars(
            db.select(Practice.code).where(Practice.status == "active", Practice.is_england)
        ).all()
    return random.Random(1).sample(list(codes), min(n, len(codes)))


def in_process_median(app, codes: list[str], rounds: int) -> float:
    """The same query-layer calls the tool makes (access check + headline figures)."""
    from portal import access
    from portal.mcp.tools.overview import headline_metrics
    from portal.models import User
    from portal.queries.overview import headline_figures

    times = []
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=EMAIL))
        metrics = headline_metrics()
        for i in range(rounds):
            code = codes[i % len(codes)]
            started = time.perf_counter()
            practice = access.public_practice(user, code, surface="mcp")
            headline_figures(practice.code, metrics)
            times.append(time.perf_counter() - started)
            db.session.remove()
    return statistics.median(times)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--port", type=int, default=5849)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    build(args.rebuild)

    base = f"http://127.0.0.1:{args.port}"
    url = f"sqlite:///{DATABASE}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PUBLIC_BASE_URL": base})
    from tests.mcp.oauth_flow import mint_token

    token = mint_token(app, EMAIL, base)
    codes = sample_practices(app)

    before = in_process_median(app, codes, args.requests)  # and again after: load drifts
    factory = (
        'portal:create_app({"MCP_RATE_LIMIT": "10000000 per minute", '
        f'"PUBLIC_BASE_URL": "{base}"}})'
    )
    env = {**os.environ, "DATABASE_URL": url, "HARESIGN_ENV": "development"}
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4",
         "--keep-alive", "5", "-b", f"127.0.0.1:{args.port}", "--log-level", "warning", factory],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-11-25",
        }
        for _ in range(100):
            try:
                httpx.post(base + "/mcp/", json={"jsonrpc": "2.0", "id": 0, "method": "ping"},
                           headers=headers, timeout=2)  # fmt: skip
                break
            except httpx.TransportError:
                time.sleep(0.2)

        def call(client: httpx.Client, i: int) -> float:
            message = {
                "jsonrpc": "2.0",
                "id": i,
                "method": "tools/call",
                "params": {
                    "name": "get_practice_overview",
                    "arguments": {"practice": codes[i % len(codes)]},
                },
            }
            started = time.perf_counter()
            response = client.post(base + "/mcp/", json=message, headers=headers)
            elapsed = time.perf_counter() - started
            assert response.status_code == 200 and not response.json()["result"]["isError"]
            return elapsed

        with httpx.Client(timeout=30) as client:
            for i in range(30):  # warm both workers' connections and caches
                call(client, i)
            latencies = [call(client, i) for i in range(args.requests)]

        def worker(offset: int) -> int:
            with httpx.Client(timeout=30) as client:
                for i in range(args.requests // 4):
                    call(client, offset + i)
            return args.requests // 4

        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:
            done = sum(pool.map(worker, range(4)))
        throughput = done / (time.perf_counter() - started)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    in_process = (before + in_process_median(app, codes, args.requests)) / 2
    median, p95 = statistics.median(latencies), percentile(latencies, 95)
    print(f"tools/call get_practice_overview over HTTP (gunicorn, 2 workers, {len(codes)} "
          f"practices, {args.requests} sequential calls)")  # fmt: skip
    print(f"  median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms")
    print(f"  throughput with 4 concurrent clients: {throughput:.0f} requests/s")
    print(f"  same query-layer calls in-process: median {in_process * 1000:.1f} ms")
    print(f"  ratio HTTP median / in-process median: {median / in_process:.2f}")


if __name__ == "__main__":
    main()
