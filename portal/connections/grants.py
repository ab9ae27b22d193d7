"""The two grants on Authlib's, with our rules at their extension points.

Authorization code (RFC 6749 4.1): PKCE S256 required of every client, a challenge in the
authorization request included (Authlib's CodeChallenge asks it only at the token endpoint);
redirect URIs as redirects.py has them; one `resource` (RFC 8707), bound to the code and every
token; one-time codes, a replayed code revoking what it issued. Refresh (RFC 6749 6) with
rotation: the first exchange wins; a replay of the family's latest rotated token within
OAUTH_REFRESH_GRACE_SECONDS (a host refreshing from two places at once) gets a sibling pair;
any other replay ends the connection. Codes and tokens are stored only as hashes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, TokenMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from flask import current_app

from portal.clock import now
from portal.connections.clients import Client, loads
from portal.connections.errors import OAuthError
from portal.connections.redirects import check_redirect_uri, redirect_allowed, redirect_host
from portal.connections.registration import AUTH_METHODS, CONTROL_CHARACTERS
from portal.connections.resource import check_grant_resource, requested_resource
from portal.connections.tokens import hash_token, new_secret
from portal.extensions import db
from portal.models.oauth import AuthorizationCode, Connection, OAuthToken

CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")
REFRESH_TOKEN_REUSED = "refresh_token_reused"


def setting(name: str, default):
    return current_app.config.get(name, default)


def single(params, name: str) -> str | None:
    """A parameter given at most once and free of control characters, else invalid_request."""
    values = params.getlist(name)
    if len(values) > 1:
        raise OAuthError("invalid_request", f"{name} must not be repeated")
    if values and CONTROL_CHARACTERS.search(values[0]):
        raise OAuthError("invalid_request", f"{name} contains a control character")
    return values[0] if values else None


class Code(AuthorizationCodeMixin):
    """An AuthorizationCode row (with its connection) as Authlib and CodeChallenge read it."""

    code_challenge_method = "S256"

    def __init__(self, row: AuthorizationCode, connection: Connection):
        self.row, self.connection = row, connection
        self.code_challenge = row.code_challenge

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return self.row.scope


class RefreshToken(TokenMixin):
    """A refresh token's OAuthToken row as Authlib reads it."""

    def __init__(self, row: OAuthToken):
        self.row, self.connection = row, row.connection

    def check_client(self, client: Client) -> bool:
        return self.connection.client_pk == client.row.id

    def get_scope(self) -> str:
        return self.row.scope


class Pkce(CodeChallenge):
    """RFC 7636 with S256 only (plain lets an intercepted code be redeemed)."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]


def check_authorization_request(grant, redirect_uri: str) -> None:
    """Ours, before Authlib's scope and PKCE checks: single, printable parameters; a S256
    challenge always; the resource. Errors here go back to the redirect URI."""
    params = grant.request.form
    single(params, "state")
    challenge = single(params, "code_challenge")
    method = single(params, "code_challenge_method")
    if not challenge:
        raise OAuthError("invalid_request", "code_challenge is required (PKCE)")
    if method != "S256":
        raise OAuthError("invalid_request", "code_challenge_method must be S256")
    if not CHALLENGE.match(challenge):
        raise OAuthError("invalid_request", "code_challenge is not a S256 challenge")
    single(params, "scope")
    grant.request.resource = requested_resource(params, grant.request.base_url)


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)

    def __init__(self, request, server):
        super().__init__(request, server)
        self.register_hook(
            "before_validate_authorization_request_payload", check_authorization_request
        )

    @property
    def redirect_host(self) -> str:
        return redirect_host(self.redirect_uri)

    @staticmethod
    def validate_authorization_redirect_uri(request, client: Client) -> str:
        """Required, of an allowed shape and registered (errors on a page, never redirected)."""
        uri = request.payload.redirect_uri
        if not uri:
            raise OAuthError("invalid_request", "redirect_uri is required")
        check_redirect_uri(uri, "invalid_request", public_client=client.public)
        if not redirect_allowed(loads(client.row.redirect_uris), uri):
            raise OAuthError("invalid_request", "redirect_uri does not match a registered one")
        return uri

    def generate_authorization_code(self) -> str:
        return new_secret()

    def save_authorization_code(self, code: str, request) -> None:
        connection = active_connection(request.user, request.client)
        connection.scope = request.scope
        db.session.flush()
        db.session.add(
            AuthorizationCode(
                code_hash=hash_token(code),
                connection_id=connection.id,
                redirect_uri=request.payload.redirect_uri,
                code_challenge=request.form.get("code_challenge"),
                resource=request.resource,
                scope=request.scope,
                family=new_secret()[:32],
                created_at=now(),
                expires_at=now() + timedelta(seconds=setting("OAUTH_CODE_TTL", 300)),
            )
        )
        db.session.commit()

    def query_authorization_code(self, code: str, client: Client) -> Code:
        """The code, claimed for this exchange: a second exchange revokes what the first got."""
        row = db.session.scalar(db.select(AuthorizationCode).filter_by(code_hash=hash_token(code)))
        if row is None:
            raise OAuthError("invalid_grant", "unknown or expired code")
        connection = db.session.get(Connection, row.connection_id)
        if connection is None or connection.client_pk != client.row.id:
            raise OAuthError("invalid_grant", "the code was issued to another client")
        claimed = db.session.execute(
            db.update(AuthorizationCode)
            .where(AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None))
            .values(used_at=now())
        ).rowcount
        db.session.commit()
        if claimed != 1:
            revoke_family(row.family)
            raise OAuthError("invalid_grant", "the code has already been used")
        if row.expires_at <= now():
            raise OAuthError("invalid_grant", "unknown or expired code")
        if connection.revoked_at is not None:
            raise OAuthError("invalid_grant", "the connection has been revoked")
        return Code(row, connection)

    def validate_token_request(self) -> None:
        super().validate_token_request()  # client, code, redirect_uri, then PKCE
        bound = self.request.authorization_code.row.resource
        check_grant_resource(self.request.form, self.request.base_url, bound)

    def delete_authorization_code(self, authorization_code: Code) -> None:
        """Kept, marked used: a replay must still find it to revoke what it issued."""

    def authenticate_user(self, authorization_code: Code) -> int:
        return authorization_code.connection.user_id


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = list(AUTH_METHODS)
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshToken:
        row = db.session.scalar(
            db.select(OAuthToken).filter_by(token_hash=hash_token(refresh_token), kind="refresh")
        )
        if row is None:
            raise OAuthError("invalid_grant", "unknown refresh token")
        token = RefreshToken(row)
        if not token.check_client(self.request.client):
            raise OAuthError("invalid_grant", "the refresh token was issued to another client")
        return token

    def validate_token_request(self) -> None:
        """Authlib's checks (client, token, scope), the resource, then the rotation decision,
        made with the token's row locked so concurrent refreshes are serialised on SQLite and
        PostgreSQL alike; the lock is held until the new pair is committed."""
        super().validate_token_request()
        row = self.request.refresh_token.row
        check_grant_resource(self.request.form, self.request.base_url, row.resource)
        self.request.refresh_token = RefreshToken(claim_rotation(row.id))

    def authenticate_user(self, refresh_token: RefreshToken) -> int:
        return refresh_token.connection.user_id

    def revoke_old_credential(self, refresh_token: RefreshToken) -> None:
        """Rotation was claimed under the lock; the old token lives out its grace window."""


def claim_rotation(token_id: int) -> OAuthToken:
    """Rotate the refresh token under a row lock, or refuse (a replay past the grace window,
    or of a token rotated twice ago, ends the connection: the token may have been stolen)."""
    token = _locked_token(token_id)
    try:
        if token.revoked_at is not None or token.connection.revoked_at is not None:
            raise OAuthError("invalid_grant", "the refresh token has been revoked")
        if token.expires_at <= now():
            raise OAuthError("invalid_grant", "the refresh token has expired")
    except OAuthError:
        db.session.rollback()
        raise
    moment = now()
    claimed = db.session.execute(  # `token` keeps what the locked read saw
        db.update(OAuthToken)
        .where(OAuthToken.id == token.id, OAuthToken.rotated_at.is_(None))
        .values(rotated_at=moment)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1 and not _replay_in_grace(token, moment):
        end_connection(token.connection, REFRESH_TOKEN_REUSED)
        raise OAuthError("invalid_grant", "the refresh token has already been used")
    return token


def _locked_token(token_id: int) -> OAuthToken:
    """The token's row, re-read under a write lock held until the next commit or rollback:
    SELECT … FOR UPDATE on PostgreSQL; on SQLite, which locks the whole database, BEGIN
    IMMEDIATE, which waits (busy timeout) for another writer rather than failing later."""
    db.session.commit()  # end the read-only transaction the checks ran in
    if db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("BEGIN IMMEDIATE"))
    return db.session.scalar(
        db.select(OAuthToken)
        .where(OAuthToken.id == token_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _replay_in_grace(token: OAuthToken, moment: datetime) -> bool:
    """Is this replay of a rotated refresh token within the grace window, and of the family's
    latest rotation (a token rotated twice ago is never replayable)?"""
    grace = timedelta(seconds=int(setting("OAUTH_REFRESH_GRACE_SECONDS", 60)))
    if token.rotated_at is None or moment - token.rotated_at > grace:
        return False
    later = db.session.scalar(
        db.select(OAuthToken.id)
        .where(
            OAuthToken.family == token.family,
            OAuthToken.kind == "refresh",
            OAuthToken.rotated_at > token.rotated_at,
        )
        .limit(1)
    )
    return later is None


# --- storage shared by both grants and the revocation endpoint ------------------------------


def active_connection(user_id: int, client: Client) -> Connection:
    connection = db.session.scalar(
        db.select(Connection).filter_by(user_id=user_id, client_pk=client.row.id, revoked_at=None)
    )
    if connection is None:
        connection = Connection(user_id=user_id, client_pk=client.row.id, created_at=now())
        db.session.add(connection)
    return connection


def _store(kind: str, value: str, connection: Connection, family: str, scope: str, resource: str):
    ttl = (
        setting("OAUTH_ACCESS_TOKEN_TTL", 8 * 3600)
        if kind == "access"
        else setting("OAUTH_REFRESH_TOKEN_TTL", 30 * 86400)
    )
    moment = now()
    db.session.add(
        OAuthToken(
            kind=kind,
            token_hash=hash_token(value),
            connection_id=connection.id,
            family=family,
            scope=scope,
            resource=resource,
            created_at=moment,
            expires_at=moment + timedelta(seconds=int(ttl)),
        )
    )


def save_token(token: dict, request) -> None:
    """Authlib's save_token: the new pair's hashes, in the family and bound to the resource of
    the code or refresh token it came from."""
    source = request.refresh_token or request.authorization_code
    row = source.row
    for kind in ("access", "refresh"):
        if f"{kind}_token" in token:
            _store(
                kind,
                token[f"{kind}_token"],
                source.connection,
                row.family,
                token["scope"],
                row.resource,
            )
    db.session.commit()


def revoke_family(family: str) -> None:
    db.session.execute(
        db.update(OAuthToken)
        .where(OAuthToken.family == family, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    db.session.commit()


def end_connection(connection: Connection, reason: str | None = None) -> None:
    """End a connection and every token of it, recording why (None: a person revoked it)."""
    moment = now()
    connection.revoked_at = moment
    connection.ended_reason = reason
    db.session.execute(
        db.update(OAuthToken)
        .where(OAuthToken.connection_id == connection.id, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=moment)
    )
    db.session.commit()
