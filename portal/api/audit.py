"""One audit row per API request, in the same table as MCP calls (surface "api")."""

from __future__ import annotations

from portal.audit import write_event

OUTCOMES_BY_STATUS = {
    200: "ok",
    400: "invalid",
    401: "unauthorised",
    404: "not_found",
    405: "invalid",
    429: "rate_limited",
}


def record_api_request(
    *,
    key_id: int | None,
    user_id: int | None,
    route: str,
    tool: str | None,
    ods_codes: list[str],
    query_length: int | None,
    status: int,
    latency_ms: float,
) -> None:
    write_event(
        surface="api",
        method=f"GET {route}",
        tool=tool,
        user_id=user_id,
        key_id=key_id,
        ods_codes=ods_codes,
        query_length=query_length,
        outcome=OUTCOMES_BY_STATUS.get(status, "error" if status >= 500 else "invalid"),
        status=status,
        latency_ms=latency_ms,
    )
