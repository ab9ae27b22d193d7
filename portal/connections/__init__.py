"""OAuth authorisation server for AI assistants (MCP clients) and the AI Connections page,
built on Authlib's Flask AuthorizationServer with our stricter rules at its extension points.

server.py        the AuthorizationServer: wiring, our request/response shape, RFC 8414 metadata
grants.py        authorization code (PKCE S256) and refresh (rotation, grace window) grants
clients.py       registered and metadata-document clients, the Authlib adapter, client auth
registration.py  RFC 7591 registration and the client metadata rules
revocation.py    RFC 7009 revocation
redirects.py     redirect URI shapes and exact matching
resource.py      the MCP resource: RFC 8707 binding, RFC 9728 metadata
cimd.py          SSRF-safe fetching of Client ID Metadata Documents (deadline_http.py)
tokens.py        the bearer check every protected request uses (verify_access_token)
bearer.py        its HTTP side: the 401 challenge and @require_bearer
errors.py        OAuthError, our wording rendered as Authlib's errors
service.py       the same operations without HTTP, and the AI Connections page's queries
views.py         the HTTP endpoints, discovery documents and the /mcp/about/ page
"""
