"""Per-connection rate limit for /mcp/: HTTP 429 with Retry-After.

Counters live in the same storage as Flask-Limiter (`RATELIMIT_STORAGE_URI`): Redis when several
instances run. With "memory://" they are fixed windows kept in this process: limits' memory
storage would start a timer thread for every 10 ms of traffic, which costs each request GIL
switches. `MCP_RATE_LIMIT` (default "120 per minute") sets the limit; it is off when
`RATELIMIT_ENABLED` is false, unless `MCP_RATE_LIMIT` is set explicitly.
"""

from __future__ import annotations

import math
import threading
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

DEFAULT_LIMIT = "120 per minute"


class ProcessWindows:
    """Fixed windows in this process, each starting at a key's first hit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[float, int]] = {}  # key -> (window end, hits)

    def hit(self, item: RateLimitItem, key: str) -> float | None:
        """Count one hit; None when allowed, else when the window ends (epoch seconds)."""
        moment = time.time()
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
        if self._limiter.hit(item, "mcp", key):
            return None
        return self._limiter.get_window_stats(item, "mcp", key)[0]


def _windows() -> ProcessWindows | SharedWindows:
    ext = current_app.extensions
    if "mcp_rate_limiter" not in ext:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        ext["mcp_rate_limiter"] = ProcessWindows() if uri == "memory://" else SharedWindows(uri)
    return ext["mcp_rate_limiter"]


def hit(connection_id: int) -> int | None:
    """Count one request; None when allowed, else the seconds to wait."""
    config = current_app.config
    setting = config.get("MCP_RATE_LIMIT")
    if setting is None and not config.get("RATELIMIT_ENABLED", True):
        return None
    reset = _windows().hit(parse(setting or DEFAULT_LIMIT), str(connection_id))
    if reset is None:
        return None
    return max(1, math.ceil(reset - time.time()))
