"""What a server worker does once, before its first request: the slow imports now, then the
start-up heap frozen so the collector's full passes skip it (without it, one page in twenty
waited ~130 ms for a pass over every import's objects: scripts/bench_group_page.py)."""

from __future__ import annotations

import gc

from portal.statistics.intervals import load_libraries


def prepare() -> None:
    load_libraries()  # statsmodels and scipy take over a second to import
    gc.freeze()  # everything alive now lives as long as the worker: never scan it again
