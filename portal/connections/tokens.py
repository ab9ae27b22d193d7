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

The HTTP side (the bearer challenge, `@require_bearer`) is bearer.py.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.clock import now
from portal.connections.resource import normalise_url
from portal.extensions import db
from portal.models import User
from portal.models.oauth import Connection, OAuthClient, OAuthToken

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


def new_secret() -> str:
    """A random token, code or client secret (256 bits)."""
    return secrets.token_urlsafe(32)


def hash_token(value: str) -> str:
    """What is stored: tokens are random, so a plain SHA-256 is enough (and indexable)."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


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
