"""Mint an access token the way an MCP client gets one: register, authorise with PKCE (S256)
and the RFC 8707 resource, exchange the code, all through the OAuth server's own functions.
Used by the MCP tests."""

from __future__ import annotations

import base64
import hashlib
import secrets

from werkzeug.datastructures import MultiDict

from portal.extensions import db

REDIRECT = "http://127.0.0.1:9/callback"


def mint_token(app, email: str, base_url: str, *, resource: str | None = None) -> str:
    """An access token for `email` through the real authorisation-code + PKCE flow."""
    return token_response(app, email, base_url, resource=resource)["access_token"]


def token_response(app, email: str, base_url: str, *, resource: str | None = None) -> dict:
    """The token endpoint's answer (plus the client's id) for `email` through the real
    authorisation-code + PKCE flow."""
    from portal.connections.service import (
        exchange_code,
        find_client,
        issue_code,
        register_client,
        validate_authorization,
    )
    from portal.models import User

    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    resource = resource or base_url + "/mcp"
    with app.app_context():
        client_id = register_client(
            {"client_name": "Test assistant", "redirect_uris": [REDIRECT],
             "grant_types": ["authorization_code", "refresh_token"],
             "token_endpoint_auth_method": "none"}
        )["client_id"]  # fmt: skip
        request = validate_authorization(
            MultiDict(
                {"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code",
                 "code_challenge": challenge, "code_challenge_method": "S256",
                 "resource": resource, "scope": "mcp:read", "state": "s"}
            ),
            base_url,
        )  # fmt: skip
        assert not request.errors, request.errors
        user = db.session.scalar(db.select(User).filter_by(email=email))
        code = issue_code(user.id, request)
        body = exchange_code(
            find_client(client_id),
            MultiDict(
                {"code": code, "redirect_uri": REDIRECT, "code_verifier": verifier,
                 "resource": resource, "grant_type": "authorization_code"}
            ),
            base_url,
        )  # fmt: skip
    return {**body, "client_id": client_id}
