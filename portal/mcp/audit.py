"""One audit row per MCP request (DESIGN.md §3): never argument free text, and never a name the
caller made up (an unknown method, tool, prompt or resource is stored as its category)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from portal.audit import write_event

log = logging.getLogger(__name__)

NO_METHOD = "(none)"  # refused before a JSON-RPC method was read
PREFLIGHT = "(preflight)"  # a browser's CORS OPTIONS: no token, no JSON-RPC method
UNKNOWN_METHOD = "unknown_method"
UNKNOWN_TOOL = "unknown_tool"
UNKNOWN_PROMPT = "unknown_prompt"
UNKNOWN_RESOURCE = "unknown_resource"


@dataclass
class Record:
    """Filled in as the request is handled; written once at the end, with the final status."""

    method: str = NO_METHOD
    tool: str | None = None
    user_id: int | None = None
    connection_id: int | None = None
    client_id: str | None = None
    ods_codes: list[str] = field(default_factory=list)
    query_length: int | None = None
    outcome: str | None = None
    started: float = field(default_factory=time.perf_counter)

    def finish(self, status: int) -> None:
        latency_ms = (time.perf_counter() - self.started) * 1000
        outcome = self.outcome or (
            "ok" if status < 400 else "error" if status >= 500 else "invalid"
        )
        write_event(
            surface="mcp",
            method=self.method,
            tool=self.tool,
            user_id=self.user_id,
            connection_id=self.connection_id,
            client_id=self.client_id,
            ods_codes=self.ods_codes,
            query_length=self.query_length,
            outcome=outcome,
            status=status,
            latency_ms=latency_ms,
        )
