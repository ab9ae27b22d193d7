"""The authorisation server's operations for callers without an HTTP request (commands,
tests, scripts/bench_mcp.py), through the same Authlib server the endpoints use; and the AI
Connections page's queries. Errors are OAuthError (or Authlib's own OAuth2Error)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from authlib.oauth2 import OAuth2Error
from werkzeug.datastructures import MultiDict

from portal.clock import now
from portal.connections.clients import Client, find_client
from portal.connections.errors import OAuthError
from portal.connections.grants import REFRESH_TOKEN_REUSED, AuthorizationCodeGrant, end_connection
from portal.connections.registration import registration_request
from portal.connections.server import server
from portal.extensions import db
from portal.models.oauth import AuthorizationCode, Connection, OAuthClient, OAuthToken

__all__ = ["OAuthError", "find_client"]  # also here for callers of the operations below

ENDED_BECAUSE = {REFRESH_TOKEN_REUSED: "a refresh token was used twice — reconnect"}
ENDED_SHOWN_FOR = timedelta(days=30)


def register_client(metadata: dict) -> dict:
    """RFC 7591 dynamic registration: the registration response body."""
    return server.registration.create_registration_response(registration_request(metadata))[1]


@dataclass
class Authorization:
    """A validated authorisation request (`grant`), or the errors to send to its redirect."""

    grant: AuthorizationCodeGrant | None
    errors: list[OAuth2Error] = field(default_factory=list)


def validate_authorization(params: MultiDict, base_url: str) -> Authorization:
    """Raises when the client or redirect URI is bad; other problems land in `.errors`."""
    try:
        return Authorization(server.consent_grant(params, base_url))
    except OAuth2Error as error:
        if not error.redirect_uri:
            raise
        return Authorization(None, [error])


def issue_code(user_id: int, authorization: Authorization) -> str:
    """The code a person's approval gives (what the redirect would carry)."""
    grant = authorization.grant
    grant.request.user = user_id
    code = grant.generate_authorization_code()
    grant.save_authorization_code(code, grant.request)
    return code


def _token(client: OAuthClient, params: MultiDict, base_url: str, grant_type: str) -> dict:
    params = MultiDict(params)
    params["grant_type"] = grant_type
    grant = server.get_token_grant(server.request_for(params, base_url, Client(client)))
    grant.validate_token_request()
    return grant.create_token_response()[1]


def exchange_code(client: OAuthClient, params: MultiDict, base_url: str) -> dict:
    """The token response for an authorisation code, `client` already authenticated."""
    return _token(client, params, base_url, "authorization_code")


def refresh(client: OAuthClient, params: MultiDict, base_url: str) -> dict:
    """The token response for a refresh token (rotation and grace as the endpoint has them)."""
    return _token(client, params, base_url, "refresh_token")


# --- the AI Connections page -----------------------------------------------------------------


@dataclass(frozen=True)
class ConnectionView:
    id: int
    client_name: str
    client_id: str
    user_email: str
    created_at: datetime
    last_used_at: datetime | None
    ended_at: datetime | None = None
    ended_because: str | None = None  # why the server ended it, in words


def _connection_views(query) -> list[ConnectionView]:
    from portal.models import User

    query = (
        query.add_columns(OAuthClient, User.email)
        .join(OAuthClient, Connection.client_pk == OAuthClient.id)
        .join(User, Connection.user_id == User.id)
    )
    return [
        ConnectionView(
            id=c.id,
            client_name=client.client_name or client.client_id,
            client_id=client.client_id,
            user_email=email,
            created_at=c.created_at,
            last_used_at=c.last_used_at,
            ended_at=c.revoked_at,
            ended_because=ENDED_BECAUSE.get(c.ended_reason or ""),
        )
        for c, client, email in db.session.execute(query)
    ]


def list_connections(user_id: int | None = None) -> list[ConnectionView]:
    """Active connections, newest first: one user's, or everyone's (user_id None, admins)."""
    query = (
        db.select(Connection)
        .where(Connection.revoked_at.is_(None))
        .order_by(Connection.created_at.desc(), Connection.id.desc())
    )
    if user_id is not None:
        query = query.where(Connection.user_id == user_id)
    return _connection_views(query)


def ended_connections(user_id: int) -> list[ConnectionView]:
    """A user's connections the server ended (not the user) in the last 30 days, newest
    first, so the page can say why an assistant lost access and that it must reconnect."""
    return _connection_views(
        db.select(Connection)
        .where(
            Connection.user_id == user_id,
            Connection.ended_reason.is_not(None),
            Connection.revoked_at >= now() - ENDED_SHOWN_FOR,
        )
        .order_by(Connection.revoked_at.desc(), Connection.id.desc())
    )


def revoke_connection(connection_id: int, user_id: int, *, admin: bool = False) -> bool:
    """Revoke a connection and every token of it; False if not found or not the user's."""
    connection = db.session.get(Connection, connection_id)
    if connection is None or connection.revoked_at is not None:
        return False
    if connection.user_id != user_id and not admin:
        return False
    end_connection(connection)
    return True


def cleanup(older_than: timedelta = timedelta(days=1)) -> dict:
    """Delete registrations older than `older_than` that never completed a grant (no user
    ever approved them, so no connection exists), and tokens and codes expired for that long.
    Connections themselves stay: the page lists them until revoked."""
    cutoff = now() - older_than
    orphans = list(
        db.session.scalars(
            db.select(OAuthClient.id).where(
                OAuthClient.created_at < cutoff,
                OAuthClient.id.not_in(db.select(Connection.client_pk)),
            )
        )
    )
    if orphans:
        db.session.execute(db.delete(OAuthClient).where(OAuthClient.id.in_(orphans)))
    expired_tokens = db.session.execute(
        db.delete(OAuthToken).where(OAuthToken.expires_at < cutoff)
    ).rowcount
    expired_codes = db.session.execute(
        db.delete(AuthorizationCode).where(AuthorizationCode.expires_at < cutoff)
    ).rowcount
    db.session.commit()
    return {
        "clients": len(orphans),
        "expired_tokens": expired_tokens,
        "expired_codes": expired_codes,
    }
