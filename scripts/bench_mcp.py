"""`tools/call get_practice_overview` through the real MCP endpoint: gunicorn with 2 workers,
England-scale synthetic data, a valid OAuth token. Prints the median and p95 latency, requests
per second, and the ratio of the median to the same query-layer call made in-process.

Usage: python scripts/bench_mcp.py [--requests 400] [--port 5849] [--rebuild]
The synthetic England (6,200 practices, 24 months, every dataset) is built once into
instance/bench-mcp/ and reused by later runs.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import logging
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import db  # noqa: E402

FOLDER = ROOT / "instance" / "bench-mcp"
DATABASE = FOLDER / "bench.db"
EMAIL = "bench@example.org"
PASSWORD = "benchmark-password"
CALLBACK = "http://127.0.0.1:9/callback"  # never visited: the code is read from the redirect


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
        demo.load_demo(folder=FOLDER / "files", progress=lambda m: print("  " + m))
        create_user(EMAIL, PASSWORD)
    print(f"built England-scale demo data in {time.perf_counter() - started:.0f} s")


def hidden_fields(html: str) -> dict[str, str]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html)
    return {unescape(name): unescape(value) for name, value in found}


def connect(base: str) -> str:
    """An access token the way an assistant gets one, over HTTP: register, sign in, approve the
    consent screen, exchange the code (PKCE S256, the RFC 8707 resource)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    resource = base + "/mcp"
    with httpx.Client(follow_redirects=False, timeout=30) as http:
        client_id = http.post(
            base + "/oauth/register",
            json={"client_name": "Benchmark", "redirect_uris": [CALLBACK],
                  "grant_types": ["authorization_code", "refresh_token"],
                  "token_endpoint_auth_method": "none"},
        ).json()["client_id"]  # fmt: skip
        sign_in = hidden_fields(http.get(base + "/account/sign-in").text)
        http.post(base + "/account/sign-in", data={**sign_in, "email": EMAIL, "password": PASSWORD})
        consent = http.get(
            base + "/oauth/authorize",
            params={"client_id": client_id, "redirect_uri": CALLBACK, "response_type": "code",
                    "code_challenge": challenge, "code_challenge_method": "S256",
                    "resource": resource, "scope": "mcp:read", "state": "bench"},
        )  # fmt: skip
        approved = http.post(
            base + "/oauth/authorize", data={**hidden_fields(consent.text), "decision": "approve"}
        )
        code = parse_qs(urlsplit(approved.headers["Location"]).query)["code"][0]
        answer = http.post(
            base + "/oauth/token",
            data={"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK,
                  "client_id": client_id, "code_verifier": verifier, "resource": resource},
        )  # fmt: skip
    return answer.json()["access_token"]


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
    from portal.models import User
    from portal.queries.overview import headline_figures

    times = []
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=EMAIL))
        for i in range(rounds):
            code = codes[i % len(codes)]
            started = time.perf_counter()
            practice = access.public_practice(user, code, surface="mcp")
            headline_figures(practice.code)
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
        for _ in range(100):  # until gunicorn answers
            try:
                httpx.get(base + "/health", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        headers = {
            "Authorization": f"Bearer {connect(base)}",
            "Accept": "application/json, text/event-stream",
            "MCP-Protocol-Version": "2025-11-25",
        }

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
