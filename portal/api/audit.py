"""One audit row per API request, in the same table as MCP calls (surface "api"): the route's
template (`GET /practices/{code}`), never the address the caller typed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from portal.audit import HTTP_METHODS, known_name, write_event

OUTCOMES_BY_STATUS = {
    200: "ok",
    400: "invalid",
    401: "unauthorised",
    404: "not_found",
    405: "invalid",
    413: "invalid",
    429: "rate_limited",
}
UNKNOWN_ROUTE = "(unknown)"


@dataclass
class Entry:
    """Filled in as the request is handled (a request refused before its view keeps the
    defaults); written once, with the final status."""

    started: float = field(default_factory=time.perf_counter)
    key_id: int | None = None
    user_id: int | None = None
    route: str | None = None  # the route's template, e.g. /practices/{code}
    tool: str | None = None  # the route's name
    ods_codes: list[str] = field(default_factory=list)
    query_length: int | None = None

    def write(self, http_method: str, status: int) -> None:
        method = known_name(http_method, HTTP_METHODS, "OTHER")
        write_event(
            surface="api",
            method=f"{method} {self.route or UNKNOWN_ROUTE}",
            tool=self.tool,
            user_id=self.user_id,
            key_id=self.key_id,
            ods_codes=self.ods_codes,
            query_length=self.query_length,
            outcome=OUTCOMES_BY_STATUS.get(status, "error" if status >= 500 else "invalid"),
            status=status,
            latency_ms=(time.perf_counter() - self.started) * 1000,
        )
