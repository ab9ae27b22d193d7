"""The three `ui://` views and their HTML: one shell, the bridge to the host, one script each."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mcp_types as types  # the wire types alone, without the SDK's client and server

from portal.mcp.apps import bundle
from portal.mcp.apps.meta import BENCHMARK_URI, COMPARE_URI, MIME_TYPE, TREND_URI

TEMPLATES = Path(__file__).parent / "templates"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
# what `_meta.ui` on the contents says: no csp (the host's default, the strictest), a border
CONTENT_META = {"ui": {"prefersBorder": True}}


@dataclass(frozen=True)
class View:
    uri: str
    name: str
    title: str
    description: str
    script: str  # under templates/
    tool: str  # the tool whose result it draws

    def html(self) -> str:
        """The whole document: styles, Chart.js, the shared helpers, the bridge and this view's
        script, all inline."""
        parts = {
            "title": html.escape(self.title),
            "config": bundle.inline_script(json.dumps({"view": self.name, "tool": self.tool})),
            "style": _template("app.css"),
            "chart_js": bundle.chart_js(),
            "common_js": bundle.inline_script(_template("common.js")),
            "bridge_js": bundle.inline_script(_template("bridge.js")),
            "view_js": bundle.inline_script(_template(self.script)),
        }
        return PLACEHOLDER.sub(lambda m: parts[m.group(1)], _template("shell.html"))

    def read(self, _ctx, uri: str) -> list[Any]:
        return [
            types.TextResourceContents(
                uri=uri, mime_type=MIME_TYPE, text=self.html(), _meta=CONTENT_META
            )
        ]


def _template(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


VIEWS = (
    View(
        TREND_URI,
        "trend-chart",
        "Practice trend (SPC chart)",
        "Chart view for get_trend: the practice's monthly values with the mean and the "
        "natural process limits, and a table of the same figures.",
        "trend.js",
        "get_trend",
    ),
    View(
        BENCHMARK_URI,
        "benchmark-chart",
        "Practice in the national distribution",
        "Chart view for get_benchmark: the national deciles of practice values with the "
        "practice's value and percentile marked, and a table of the same figures.",
        "benchmark.js",
        "get_benchmark",
    ),
    View(
        COMPARE_URI,
        "compare-chart",
        "Practices compared",
        "Chart view for compare_practices: each practice's value on a metric beside England's, "
        "and a table of every figure compared.",
        "compare.js",
        "compare_practices",
    ),
)


def register(registry) -> None:
    """List and serve the views as resources (the same HTML for every caller)."""
    from portal.mcp.resources import ResourceSpec

    for view in VIEWS:
        registry.register(
            ResourceSpec(
                view.uri, view.name, view.title, view.description, MIME_TYPE, view.read,
                public=True,
            )
        )  # fmt: skip
