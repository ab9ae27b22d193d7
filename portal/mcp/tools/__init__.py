"""The tools of DESIGN.md §8, registered once per process in this order (the order tools/list
shows them in): the per-area tools come from one table (area_tools), the others one module each."""

from __future__ import annotations

from portal.mcp.registry import ToolRegistry
from portal.mcp.tools import (
    area_tools,
    benchmark,
    catalogue,
    compare,
    groups,
    my_groups,
    openai_connector,
    overview,
    private,
    search,
    trend,
)

MODULES = (
    search, overview, area_tools, compare, benchmark, trend, groups, catalogue, private,
    my_groups, openai_connector,
)  # fmt: skip


def register_all(registry: ToolRegistry) -> None:
    for module in MODULES:
        for spec in module.TOOLS:
            if registry.get(spec.name) is None:
                registry.register(spec)
