"""Load time of the real quin-age file beside pandas' bare read of it (median of 3 runs).

Usage: python scripts/bench_ingest.py [PATH]   (default: ../shared/nhs-data/.../quin-age gz)
"""

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from portal import create_app  # noqa: E402
from portal.ingest import load_paths  # noqa: E402

DEFAULT = (
    ROOT.parent / "shared/nhs-data/patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz"
)
RUNS = 3


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    read_times = [timed(lambda: pd.read_csv(path, low_memory=False)) for _ in range(RUNS)]
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.db"})
        with app.app_context():
            upgrade()
            load_times = [
                timed(lambda: load_paths("patients-registered", [path])) for _ in range(RUNS)
            ]
    read, load = statistics.median(read_times), statistics.median(load_times)
    rows = sum(1 for _ in pd.read_csv(path, usecols=[0]).itertuples())
    print(f"file: {path.name} ({rows:,} rows)")
    print(f"pandas bare read  median of {RUNS}: {read:.3f} s")
    print(f"flask data load   median of {RUNS}: {load:.3f} s  ({rows / load:,.0f} rows/s)")
    print(f"ratio load / read: {load / read:.2f}")


if __name__ == "__main__":
    main()
