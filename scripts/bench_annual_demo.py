"""How long the annual datasets' demo adds to `flask data demo`: writing their files, then
loading each dataset, on the database in DATABASE_URL (run `flask db upgrade heads` first).

    DATABASE_URL=sqlite:////tmp/annual_bench.db .venv/bin/python scripts/bench_annual_demo.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.ingest import demo, load_paths  # noqa: E402
from portal.ingest.demo_annual import write_annual  # noqa: E402


def main() -> None:
    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        writers = list(demo.DEMO_WRITERS)
        demo.DEMO_WRITERS.clear()  # the foundation's files only, loaded untimed
        try:
            files = demo.write_files(folder, 6200, 24, 2026)
        finally:
            demo.DEMO_WRITERS.extend(writers)
        for dataset, paths in files.items():
            load_paths(dataset, paths, synthetic=True)
        rng = np.random.default_rng(2026)
        icbs, sub_icbs, pcns, practices = demo.build_england(6200, np.random.default_rng(2026))
        calendar = demo.month_list(24)
        sizes = {
            (p.code, m): demo.list_size(p, i, rng)
            for i, m in enumerate(calendar)
            for p in practices
        }
        england = demo.SyntheticEngland(icbs, sub_icbs, pcns, practices, calendar, sizes)
        started, cpu = time.perf_counter(), time.process_time()
        annual = write_annual(folder, england, rng)
        total, total_cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"write annual files: {total:.2f}s wall, {total_cpu:.2f}s CPU")
        for dataset, paths in annual.items():
            started, cpu = time.perf_counter(), time.process_time()
            load_paths(dataset, paths, synthetic=True)
            elapsed, elapsed_cpu = time.perf_counter() - started, time.process_time() - cpu
            total, total_cpu = total + elapsed, total_cpu + elapsed_cpu
            print(
                f"load {dataset:16} {len(paths)} file(s): {elapsed:.2f}s wall, {elapsed_cpu:.2f}s CPU"
            )
        print(f"total added to the demo: {total:.2f}s wall, {total_cpu:.2f}s CPU")


if __name__ == "__main__":
    main()
