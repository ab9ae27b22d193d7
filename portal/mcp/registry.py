"""The tool registry: what `tools/list` lists and `tools/call` runs.

Open for tests: fixture tools (e.g. for the official conformance suite) are added with
`register` and removed with `unregister`. Every tool is read-only. A tool's handler gets the
caller (`ToolContext`) and its already-checked arguments and returns a `ToolOutput`; bad
arguments raise `ToolError` (a tool result with isError), missing or forbidden practices raise
`portal.access.NotFoundOrDenied` (the one generic answer).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


class ToolError(Exception):
    """An argument or situation the assistant can correct; becomes a tool result with isError."""


@dataclass
class ToolContext:
    """Who is calling, and what the call touched (for the audit row)."""

    user_id: int | None
    connection_id: int | None = None
    client_id: str | None = None
    scopes: tuple[str, ...] = ()
    ods_codes: list[str] = field(default_factory=list)
    query_length: int | None = None
    owner: Any = field(default=None, repr=False)  # the User, if the caller has it already

    @property
    def user(self):
        """The connection's owner (loaded once), for the access policy."""
        if self.owner is None and self.user_id:
            from portal.extensions import db
            from portal.models import User

            self.owner = db.session.get(User, self.user_id)
        return self.owner

    def touch(self, *codes: str) -> None:
        for code in codes:
            if code and code not in self.ods_codes:
                self.ods_codes.append(code)


@dataclass(frozen=True)
class ToolOutput:
    """`structured` becomes structuredContent (matching the output schema); `text` the text block."""

    structured: dict[str, Any]
    text: str


Text = str | Callable[[], str]
Schema = dict[str, Any] | Callable[[], dict[str, Any]]


def _resolve(value):
    return value() if callable(value) else value


ICON = "icons/haresign.svg"  # under portal/static


def icons() -> list[dict[str, Any]]:
    """The site's icon, as tools, the server card and directories show it: an absolute URL on
    PUBLIC_BASE_URL (never the Host header)."""
    from portal.links import public_url

    src = public_url("static", filename=ICON)
    return [{"src": src, "mimeType": "image/svg+xml", "sizes": ["any"]}]


@dataclass(frozen=True)
class ToolSpec:
    name: str
    title: str
    description: Text  # a callable is evaluated at tools/list (e.g. generated from the catalogue)
    input_schema: Schema
    handler: Callable[[ToolContext, dict[str, Any]], ToolOutput | Any]
    output_schema: Schema | None = None
    # A fixture tool may return raw MCP content (a CallToolResult); ours return ToolOutput.
    raw: bool = False
    meta: dict[str, Any] | None = None  # the tool's `_meta`, e.g. its MCP Apps view (ui://)

    def resolved_input_schema(self) -> dict[str, Any]:
        return _resolve(self.input_schema)

    def describe(self) -> dict[str, Any]:
        """The tool as `tools/list` shows it (camelCase wire form)."""
        tool: dict[str, Any] = {
            "name": self.name,
            "title": self.title,
            "description": _resolve(self.description),
            "inputSchema": self.resolved_input_schema(),
            "icons": icons(),
            "annotations": {
                "title": self.title,
                "readOnlyHint": True,
                "destructiveHint": False,
                "idempotentHint": True,
                "openWorldHint": False,
            },
        }
        if self.output_schema is not None:
            tool["outputSchema"] = _resolve(self.output_schema)
        if self.meta:
            tool["_meta"] = self.meta
        return tool


class ToolRegistry:
    def __init__(self) -> None:
        self._tools: dict[str, ToolSpec] = {}
        self._lock = threading.Lock()

    def register(self, spec: ToolSpec) -> ToolSpec:
        with self._lock:
            if spec.name in self._tools:
                raise ValueError(f"tool {spec.name!r} is already registered")
            self._tools[spec.name] = spec
        return spec

    def unregister(self, name: str) -> None:
        with self._lock:
            self._tools.pop(name, None)

    def get(self, name: str) -> ToolSpec | None:
        return self._tools.get(name)

    def names(self) -> list[str]:
        return list(self._tools)

    def all(self) -> list[ToolSpec]:
        return list(self._tools.values())


registry = ToolRegistry()
