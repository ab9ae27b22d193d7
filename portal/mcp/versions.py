"""The MCP protocol versions /mcp/ serves, in one place so transport, methods and modern share them."""

MODERN_VERSION = "2026-07-28"  # stateless: server/discover, per-request _meta (modern.py)
MODERN_VERSIONS = (MODERN_VERSION,)  # the modern versions we serve; not every one the SDK knows
SUPPORTED_VERSIONS = ("2025-11-25", "2025-06-18", "2025-03-26")  # the initialize era
EVERY_VERSION = (*MODERN_VERSIONS, *SUPPORTED_VERSIONS)  # what -32022 and discovery name
LATEST_VERSION = SUPPORTED_VERSIONS[0]
DEFAULT_VERSION = "2025-03-26"  # a request without the header (spec: assume 2025-03-26)
