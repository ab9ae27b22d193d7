"""MCP Apps (extension io.modelcontextprotocol/ui, MCP-2026.md §1): chart views the assistant's
host renders beside get_trend, get_benchmark and compare_practices results.

`views` says which `ui://` resources exist and builds their HTML, `bundle` inlines Chart.js,
`meta` is what the tools and the capabilities advertise. The HTML, CSS and scripts are files
under `templates/`.
"""

from portal.mcp.apps.meta import EXTENSION_ID, MIME_TYPE, capability, tool_meta

__all__ = ["EXTENSION_ID", "MIME_TYPE", "capability", "tool_meta"]
