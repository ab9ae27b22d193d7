"""The MCP endpoint `/mcp/` (DESIGN.md §8): transport, tool registry, tools, resources, prompts."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.mcp import card, prompts, resources, transport
    from portal.mcp.registry import registry
    from portal.mcp.tools import register_all

    register_all(registry)
    resources.register_defaults()
    prompts.register_defaults()
    transport.init_app(app)  # the endpoint, and JSON-RPC errors for the rest of /mcp/
    card.init_app(app)  # the server card and the AI Catalog
