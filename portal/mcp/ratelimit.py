"""Per-connection rate limit for /mcp/: HTTP 429 with Retry-After (portal/ratelimits.py).

`MCP_RATE_LIMIT` (default "120 per minute", portal/config.py) sets the limit; `RATELIMIT_ENABLED`
false turns it off.
"""

from __future__ import annotations

from flask import current_app

from portal import ratelimits


def hit(connection_id: int) -> int | None:
    """Count one request; None when allowed, else the seconds to wait."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"] or not config["MCP_RATE_LIMIT"]:
        return None
    return ratelimits.retry_after("mcp", str(connection_id), config["MCP_RATE_LIMIT"])
