"""The HTTP side of bearer tokens, for resource servers such as /mcp/.

current_resource() -> str              the canonical MCP resource URL
bearer_challenge(error=None) -> Response
    401 with `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (RFC 9728 / 6750)
authenticate(resource=None) -> TokenInfo | Response
    reads `Authorization: Bearer …`; a TokenInfo, or the 401 response to return as is
@require_bearer                        decorator: 401 or sets `g.token_info`
"""

from __future__ import annotations

import functools

from flask import Response, g, jsonify, request

from portal.connections.resource import MCP_PATH, SCOPE, canonical_resource
from portal.connections.tokens import TokenInfo, verify_access_token
from portal.links import public_base_url


def current_resource() -> str:
    return canonical_resource(public_base_url())


def resource_metadata_url() -> str:
    return public_base_url() + "/.well-known/oauth-protected-resource" + MCP_PATH


def bearer_challenge(error: str | None = None, description: str | None = None) -> Response:
    params = [f'resource_metadata="{resource_metadata_url()}"', f'scope="{SCOPE}"']
    if error:
        params.insert(0, f'error="{error}"')
        if description:
            params.insert(1, f'error_description="{description}"')
    body = {"error": error or "unauthorized", "error_description": description or "sign in"}
    response = jsonify(body)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = "Bearer " + ", ".join(params)
    response.headers["Cache-Control"] = "no-store"
    return response


def authenticate(resource: str | None = None) -> TokenInfo | Response:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return bearer_challenge()
    info = verify_access_token(value.strip(), resource or current_resource())
    if info is None:
        return bearer_challenge("invalid_token", "the access token is invalid, expired or revoked")
    return info


def require_bearer(view):
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        result = authenticate()
        if isinstance(result, Response):
            return result
        g.token_info = result
        return view(*args, **kwargs)

    return wrapped
