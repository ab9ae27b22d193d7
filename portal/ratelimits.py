"""Per-caller rate limits (MCP connections, API keys): the seconds a caller must wait, if any.

Counters live in the same storage as Flask-Limiter (`RATELIMIT_STORAGE_URI`): Redis when several
instances run. With "memory://" they are fixed windows kept in this process: limits' memory
storage would start a timer thread for every 10 ms of traffic, which costs each request GIL
switches.
"""

from __future__ import annotations

import math
import threading
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

clock = time.time  # the one clock windows and Retry-After are read from (tests fix it)


class ProcessWindows:
    """Fixed windows in this process, each starting at a key's first hit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, hits)

    def hit(self, item: RateLimitItem, key: str) -> float | None:
        """Count one hit; None when allowed, else when the window ends (epoch seconds)."""
        moment = clock()
        with self._lock:
            end, hits = self._windows.get(key, (0.0, 0))
            if end <= moment:
                end, hits = moment + item.get_expiry(), 0
            if hits >= item.amount:
                return end
            self._windows[key] = (end, hits + 1)
        return None


class SharedWindows:
    """Fixed windows in a shared storage (Redis), through limits."""

    def __init__(self, uri: str) -> None:
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri))

    def hit(self, item: RateLimitItem, key: str) -> float | None:
        if self._limiter.hit(item, "rate", key):
            return None
        return self._limiter.get_window_stats(item, "rate", key)[0]


def _windows() -> ProcessWindows | SharedWindows:
    ext = current_app.extensions
    if "rate_windows" not in ext:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        ext["rate_windows"] = ProcessWindows() if uri == "memory://" else SharedWindows(uri)
    return ext["rate_windows"]


def retry_after(scope: str, key: str, limit: str) -> int | None:
    """Count one request of `key` within `scope` against `limit` (e.g. "120 per minute");
    None when allowed, else the whole seconds until its window ends."""
    reset = _windows().hit(parse(limit), f"{scope}:{key}")
    if reset is None:
        return None
    return max(1, math.ceil(reset - clock()))
