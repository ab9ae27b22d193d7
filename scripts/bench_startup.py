"""Start-up time of a `flask` command: the median of N runs of `flask --help` for our app and
for a bare Flask app's CLI in the same environment, and their ratio (target: ≤ 1.5 s and
≤ 3× bare). Every run is a fresh process, as for a cron job or a gunicorn worker.

Usage: python scripts/bench_startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = ROOT / ".venv" / "bin" / "flask"
BARE_APP = "from flask import Flask\napp = Flask(__name__)\n"


def median_seconds(app: str, cwd: Path, runs: int) -> float:
    env = {**os.environ, "FLASK_APP": app}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(FLASK), "--help"], cwd=cwd, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ours = median_seconds("wsgi.py", ROOT, args.runs)
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "bare.py").write_text(BARE_APP)
        bare = median_seconds("bare.py", Path(folder), args.runs)
    dont_write = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    print(f"`flask --help`, median of {args.runs} runs (PYTHONDONTWRITEBYTECODE={dont_write}, "
          f"Python {sys.version.split()[0]})")  # fmt: skip
    print(f"  Haresign (wsgi.py): {ours:.2f} s")
    print(f"  bare Flask app:     {bare:.2f} s")
    print(f"  ratio: {ours / bare:.1f}x")


if __name__ == "__main__":
    main()
