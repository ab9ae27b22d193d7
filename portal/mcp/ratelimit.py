"""Per-connection rate limit for /mcp/: HTTP 429 with Retry-After.

Counters live in the same storage as Flask-Limiter (`RATELIMIT_STORAGE_URI`: memory, or Redis
when several instances run). `MCP_RATE_LIMIT` (default "120 per minute") sets the limit; it is
off when `RATELIMIT_ENABLED` is false, unless `MCP_RATE_LIMIT` is set explicitly.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

DEFAULT_LIMIT = "120 per minute"


def _limiter() -> FixedWindowRateLimiter:
    ext = current_app.extensions
    if "mcp_rate_limiter" not in ext:
        uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
        ext["mcp_rate_limiter"] = FixedWindowRateLimiter(storage_from_string(uri))
    return ext["mcp_rate_limiter"]


def hit(connection_id: int) -> int | None:
    """Count one request; None when allowed, else the seconds to wait."""
    config = current_app.config
    setting = config.get("MCP_RATE_LIMIT")
    if setting is None and not config.get("RATELIMIT_ENABLED", True):
        return None
    item = parse(setting or DEFAULT_LIMIT)
    limiter = _limiter()
    key = str(connection_id)
    if limiter.hit(item, "mcp", key):
        return None
    reset, _remaining = limiter.get_window_stats(item, "mcp", key)
    return max(1, math.ceil(reset - time.time()))
