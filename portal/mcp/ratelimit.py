"""Per-connection rate limit for /mcp/: HTTP 429 with Retry-After (portal/ratelimits.py).

`MCP_RATE_LIMIT` (default "120 per minute") sets the limit; it is off when `RATELIMIT_ENABLED`
is false, unless `MCP_RATE_LIMIT` is set explicitly.
"""

from __future__ import annotations

from flask import current_app

from portal import ratelimits

DEFAULT_LIMIT = "120 per minute"


def hit(connection_id: int) -> int | None:
    """Count one request; None when allowed, else the seconds to wait."""
    config = current_app.config
    setting = config.get("MCP_RATE_LIMIT")
    if setting is None and not config.get("RATELIMIT_ENABLED", True):
        return None
    return ratelimits.retry_after("mcp", str(connection_id), setting or DEFAULT_LIMIT)
