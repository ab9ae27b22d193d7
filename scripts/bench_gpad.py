"""Load an England-scale GPAD month (about 1.2 million crosstab rows) beside pandas' bare read.

Generates one month for 6,200 practices in the real practice-level crosstab layout into a temp
folder (or uses PATH), then runs 3 times: pandas' bare read of the file (`pd.read_csv(path)`),
and `gpad.load` into a database holding the practice hierarchy, each load in a fresh process so
its peak RSS is its own. Prints medians: load time, rows/s, peak RSS and the load/read ratio.
Targets (issue 3): ratio <= 2.0, peak RSS < 1.5 GB.

Usage: python scripts/bench_gpad.py [--database sqlite|postgresql] [PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 3
PRACTICES = 6200
ROWS_PER_PRACTICE = 195  # about 1.2 million rows, as an England month
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
DIMENSIONS = {
    "APPT_STATUS": (["Attended", "DNA", "Unknown"], [0.86, 0.04, 0.10]),
    "HCP_TYPE": (["GP", "Other Practice staff", "Unknown"], [0.45, 0.52, 0.03]),
    "APPT_MODE": (["Face-to-Face", "Telephone", "Video Conference/Online", "Home Visit",
                   "Unknown"], [0.64, 0.28, 0.03, 0.01, 0.04]),
    "TIME_BETWEEN_BOOK_AND_APPT": (["Same Day", "1 Day", "2 to 7 Days", "8  to 14 Days",
                                    "15  to 21 Days", "22  to 28 Days", "More than 28 Days",
                                    "Unknown / Data Issue"],
                                   [0.42, 0.08, 0.2, 0.12, 0.07, 0.05, 0.05, 0.01]),
    "NATIONAL_CATEGORY": ([f"Category {i:02d}" for i in range(19)], None),
}  # fmt: skip
HEADER = ["APPOINTMENT_MONTH_START_DATE", "GP_CODE", "GP_NAME", "SUPPLIER", "PCN_CODE",
          "PCN_NAME", "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "HCP_TYPE", "APPT_MODE",
          "NATIONAL_CATEGORY", "TIME_BETWEEN_BOOK_AND_APPT", "COUNT_OF_APPOINTMENTS",
          "APPT_STATUS"]  # fmt: skip


def practice_codes() -> list[str]:
    return [f"{chr(65 + n // 1000 % 26)}{81000 + n:05d}"[-6:] for n in range(PRACTICES)]


def generate(path: Path, seed: int = 1) -> int:
    """One month's crosstab: ~195 distinct dimension keys per practice, weighted like England."""
    rng = np.random.default_rng(seed)
    names = list(DIMENSIONS)
    sizes = [len(DIMENSIONS[n][0]) for n in names]
    weights = np.ones(1)
    for name in names:
        labels, p = DIMENSIONS[name]
        p = np.full(len(labels), 1 / len(labels)) if p is None else np.asarray(p)
        weights = np.outer(weights, p).ravel()
    weights /= weights.sum()
    cells = np.concatenate(
        [rng.choice(len(weights), ROWS_PER_PRACTICE, replace=False, p=weights)
         for _ in range(PRACTICES)]
    )  # fmt: skip
    columns = {}
    rest = cells
    for name, size in reversed(list(zip(names, sizes, strict=True))):
        rest, index = np.divmod(rest, size)
        columns[name] = np.asarray(DIMENSIONS[name][0], dtype=object)[index]
    practice = np.repeat(np.arange(PRACTICES), ROWS_PER_PRACTICE)
    codes = np.asarray(practice_codes(), dtype=object)
    frame = pd.DataFrame(
        {
            "APPOINTMENT_MONTH_START_DATE": "01OCT2025",
            "GP_CODE": codes[practice],
            "GP_NAME": "PRACTICE " + codes[practice],
            "SUPPLIER": "EMIS",
            "PCN_CODE": [f"U{10000 + p // 5:05d}" for p in practice],
            "PCN_NAME": "SOME PCN",
            "SUB_ICB_LOCATION_CODE": [f"{p // 60:02d}X" for p in practice],
            "SUB_ICB_LOCATION_NAME": "NHS Somewhere ICB",
            **columns,
            "COUNT_OF_APPOINTMENTS": rng.geometric(0.02, len(cells)),
        }
    )
    frame[HEADER].to_csv(path, index=False)
    return len(frame)


def make_database(kind: str, tmp: Path) -> tuple[str, callable]:
    """A fresh migrated database holding the synthetic practices and their hierarchy."""
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db
    from portal.models import Icb, Pcn, Practice, Region, SubIcb

    if kind == "postgresql":
        name = f"haresign_bench_{uuid.uuid4().hex[:8]}"
        admin = sa.create_engine(
            PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = (
            PG_URL.replace("postgresql://", "postgresql+psycopg://").rsplit("/", 1)[0] + "/" + name
        )

        def drop():
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url = f"sqlite:///{tmp / f'bench_{uuid.uuid4().hex[:6]}.db'}"

        def drop():
            return None

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        codes = practice_codes()
        db.session.execute(sa.insert(Region), [{"code": "Y56", "name": "London"}])
        db.session.execute(
            sa.insert(Icb),
            [
                {"code": f"Q{i:02d}", "name": f"ICB {i}", "region_code": "Y56"} for i in range(42)
            ],  # fmt: skip
        )
        db.session.execute(
            sa.insert(SubIcb),
            [
                {"code": f"{s:02d}X", "name": f"Sub-ICB {s}", "icb_code": f"Q{s % 42:02d}"}
                for s in range(PRACTICES // 60 + 1)
            ],  # fmt: skip
        )
        db.session.execute(
            sa.insert(Pcn),
            [
                {"code": f"U{10000 + p:05d}", "name": f"PCN {p}", "sub_icb_code": f"{p // 12:02d}X"}
                for p in range(PRACTICES // 5 + 1)
            ],  # fmt: skip
        )
        db.session.execute(
            sa.insert(Practice),
            [
                {
                    "code": c,
                    "name": f"PRACTICE {c}",
                    "status": "active",
                    "is_england": True,
                    "pcn_code": f"U{10000 + n // 5:05d}",
                    "sub_icb_code": f"{n // 60:02d}X",
                }
                for n, c in enumerate(codes)
            ],  # fmt: skip
        )
        db.session.commit()
        db.engine.dispose()
    return url, drop


def child(url: str, path: str) -> None:
    """One load in this process: print its wall time and peak RSS as JSON."""
    from portal import create_app
    from portal.ingest import gpad

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        started, cpu = time.perf_counter(), time.process_time()
        gpad.load(path)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_rss": peak_rss()}))


def peak_rss() -> int:
    """This process's peak resident memory in bytes (VmHWM: reset by exec, unlike ru_maxrss,
    which a child inherits from the parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def read_child(path: str) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    pd.read_csv(path)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "peak_rss": peak_rss()}))


def run(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", nargs="?")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--child", nargs=2, metavar=("URL", "PATH"))
    parser.add_argument("--read-child", metavar="PATH")
    args = parser.parse_args()
    if args.child:
        return child(*args.child)
    if args.read_child:
        return read_child(args.read_child)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = Path(args.path) if args.path else tmp / "Practice_Level_Crosstab_Oct_25_England.csv"
        if not args.path:
            started = time.perf_counter()
            rows = generate(path)
            print(f"generated {rows:,} rows ({path.stat().st_size / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
        else:
            rows = len(pd.read_csv(path, usecols=[0]))
        url, drop = make_database(args.database, tmp)
        try:
            reads, loads = [], []
            for _ in range(RUNS):
                reads.append(run("--read-child", str(path)))
                loads.append(run("--child", url, str(path)))
        finally:
            drop()
    read = statistics.median(r["seconds"] for r in reads)
    load = statistics.median(r["seconds"] for r in loads)
    ratios = [ld["seconds"] / rd["seconds"] for ld, rd in zip(loads, reads, strict=True)]
    rss = statistics.median(r["peak_rss"] for r in loads)
    read_cpu = statistics.median(r["cpu"] for r in reads)
    load_cpu = statistics.median(r["cpu"] for r in loads)
    print(f"database: {args.database}; file: {path.name} ({rows:,} rows)")
    print(f"pandas bare read (pd.read_csv)  median of {RUNS}: {read:.2f} s")
    print(f"gpad load                        median of {RUNS}: {load:.2f} s "
          f"({rows / load:,.0f} rows/s)")  # fmt: skip
    print(f"ratio load / read: {load / read:.2f} (median of per-run ratios "
          f"{statistics.median(ratios):.2f}; target <= 2.0)")  # fmt: skip
    print(f"CPU seconds (all threads): read {read_cpu:.2f}, load {load_cpu:.2f}, "
          f"ratio {load_cpu / read_cpu:.2f}; load average now {os.getloadavg()[0]:.1f} "
          "(wall-clock ratios grow on a busy machine)")  # fmt: skip
    print(f"peak RSS of a load (median): {rss / 2**20:,.0f} MiB (target < 1,536 MiB); "
          f"of the bare read: {statistics.median(r['peak_rss'] for r in reads) / 2**20:,.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
