"""One audit row per API request, in the same table as MCP calls (surface "api"): the route's
template (`GET /practices/{code}`), never the address the caller typed."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

from flask import request

from portal.api.routes import Route
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
ODS_SHAPE = re.compile(r"[A-Z0-9]{2,10}")  # what the audit keeps of a code parameter


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


def audit_details(route: Route | None, path_args: dict) -> tuple[list[str], int | None]:
    """The codes a request named and the length of any free text: what the audit may keep."""
    if route is None:
        return [], None
    codes, text_length = [], None
    for param in route.all_params:
        raw = (
            path_args.get(param.name) if param.location == "path" else request.args.get(param.name)
        )
        if raw is None:
            continue
        if param.ods and ODS_SHAPE.fullmatch(raw.strip().upper()):
            codes.append(raw.strip().upper())
        if param.free_text:
            text_length = len(raw)
    return codes, text_length
