"""Bearer tokens for the MCP endpoint: the one check every protected request goes through.

Contract (used by portal/mcp):

    verify_access_token(token: str, resource: str) -> TokenInfo | None

`token` is the raw bearer value; `resource` is the URL of the resource being called (e.g.
`https://host/mcp/` or `https://host/mcp`; a trailing slash and host case do not matter).
On EVERY call it looks the token up by its SHA-256 hash and returns None unless the token
is an access token, has not expired, has not been revoked, its connection has not been
revoked (the AI Connections page), and its audience (the RFC 8707 resource it was bound to)
is this resource. A valid call also records the connection's last use (at most once a
minute). Needs an app context; it commits the session.

HTTP helpers for resource servers:

    current_resource() -> str              the canonical MCP resource URL
    bearer_challenge(error=None) -> Response
        401 with `WWW-Authenticate: Bearer resource_metadata="…", scope="…"` (RFC 9728 / 6750)
    authenticate(resource=None) -> TokenInfo | Response
        reads `Authorization: Bearer …`; a TokenInfo, or the 401 response to return as is
    @require_bearer                        decorator: 401 or sets `g.token_info`
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa
from flask import Response, g, jsonify, request

from portal.extensions import db
from portal.links import public_base_url
from portal.models import User
from portal.models.oauth import Connection, OAuthClient, OAuthToken

SCOPE = "mcp:read"  # read-only access to what the account may see (the only scope)
SCOPES_SUPPORTED = (SCOPE,)
MCP_PATH = "/mcp"
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    user_id: int
    connection_id: int
    client_id: str
    scopes: tuple[str, ...]
    resource: str
    expires_at: datetime
    user: User = field(repr=False, compare=False)  # the owner, loaded by the same query


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_secret() -> str:
    """A random token, code or client secret (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(value: str) -> str:
    """What is stored: tokens are random, so a plain SHA-256 is enough (and indexable)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def normalise_url(url: str) -> str | None:
    """Lower-case scheme and host, no trailing slash on the path; None for anything unusable."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or parts.fragment:
        return None
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"), parts.query, "")
    )


def canonical_resource(base_url: str) -> str:
    """The MCP resource identifier tokens are bound to: `<base>/mcp`."""
    return normalise_url(base_url + MCP_PATH) or base_url + MCP_PATH


def resource_matches(given: str, base_url: str) -> bool:
    """Is `given` this deployment's MCP resource? Accepts `<base>/mcp`, `<base>/mcp/` and,
    for clients that name the whole origin, `<base>` itself."""
    normal = normalise_url(given)
    return normal is not None and normal in (
        canonical_resource(base_url),
        normalise_url(base_url),
    )


# One indexed lookup per request, built once: the token, its connection, client and owner.
_LOOKUP = (
    sa.select(
        OAuthToken.expires_at,
        OAuthToken.revoked_at,
        OAuthToken.resource,
        OAuthToken.scope,
        Connection.id.label("connection_id"),
        Connection.user_id,
        Connection.revoked_at.label("connection_revoked_at"),
        Connection.last_used_at,
        OAuthClient.client_id,
        User,
    )
    .join(Connection, OAuthToken.connection_id == Connection.id)
    .join(OAuthClient, Connection.client_pk == OAuthClient.id)
    .join(User, Connection.user_id == User.id)
    .where(OAuthToken.token_hash == sa.bindparam("token_hash"), OAuthToken.kind == "access")
)


def verify_access_token(token: str, resource: str) -> TokenInfo | None:
    """See the module docstring. Never raises for bad input."""
    if not token or len(token) > 512 or not isinstance(token, str):
        return None
    row = db.session.execute(_LOOKUP, {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    moment = now()
    if row.revoked_at is not None or row.connection_revoked_at is not None:
        return None
    if row.expires_at <= moment:
        return None
    if normalise_url(resource) != normalise_url(row.resource):
        return None
    if row.last_used_at is None or moment - row.last_used_at > LAST_USED_GRANULARITY:
        db.session.execute(
            sa.update(Connection)
            .where(Connection.id == row.connection_id)
            .values(last_used_at=moment)
        )
        db.session.commit()
    return TokenInfo(
        user_id=row.user_id,
        connection_id=row.connection_id,
        client_id=row.client_id,
        scopes=tuple(row.scope.split()),
        resource=row.resource,
        expires_at=row.expires_at,
        user=row.User,
    )


# --- HTTP helpers (request-aware; for resource servers such as /mcp/) -----------------------


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
