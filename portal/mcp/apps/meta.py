"""What the extension advertises: its capability entry and the `_meta` a tool carries."""

from __future__ import annotations

from typing import Any

EXTENSION_ID = "io.modelcontextprotocol/ui"
MIME_TYPE = "text/html;profile=mcp-app"

TREND_URI = "ui://haresign/trend.v1.html"
BENCHMARK_URI = "ui://haresign/benchmark.v1.html"
COMPARE_URI = "ui://haresign/compare.v1.html"


def capability() -> dict[str, Any]:
    """The server's `capabilities.extensions` entry (2026-07-28 discover), as clients declare it."""
    return {EXTENSION_ID: {"mimeTypes": [MIME_TYPE]}}


def tool_meta(uri: str) -> dict[str, Any]:
    """A tool's link to its view: `ui.resourceUri`, and the deprecated flat key hosts still read."""
    return {"ui": {"resourceUri": uri}, "ui/resourceUri": uri}
