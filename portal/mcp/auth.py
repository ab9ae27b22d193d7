"""Bearer tokens on the MCP endpoint: the OAuth server's check, on every request.

Audience (RFC 8707 resource) and revocation are checked by
`portal.connections.tokens.verify_access_token` on each call; nothing is cached here.
"""

from __future__ import annotations

from flask import Response

from portal.connections.bearer import authenticate, bearer_challenge, current_resource
from portal.connections.resource import SCOPE
from portal.connections.tokens import TokenInfo, verify_access_token

__all__ = [
    "SCOPE",
    "TokenInfo",
    "authenticate",
    "bearer_challenge",
    "current_resource",
    "verify_access_token",
    "check_request",
]


def check_request() -> TokenInfo | Response:
    """The caller's token for this request, or the 401 (with WWW-Authenticate) to send back."""
    result = authenticate(current_resource())
    if isinstance(result, TokenInfo) and SCOPE not in result.scopes:
        response = bearer_challenge("insufficient_scope", f"the {SCOPE} scope is required")
        response.status_code = 403  # RFC 6750 3.1
        return response
    return result
