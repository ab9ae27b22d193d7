"""OAuth authorisation server for AI assistants (MCP clients) and the AI Connections page.

tokens.py   the bearer check every protected request uses (verify_access_token, require_bearer)
service.py  the server's rules (registration, codes, tokens, refresh rotation, connections)
cimd.py     SSRF-safe fetching of Client ID Metadata Documents
views.py    the HTTP endpoints, discovery documents and the /mcp/about/ page
"""
