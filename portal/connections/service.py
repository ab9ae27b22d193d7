"""The authorisation server's rules, free of HTTP: clients, codes, tokens and connections.

Stricter than OAuth defaults, as MCP authorization needs: PKCE S256 for every client; exact
redirect URIs (loopback redirects may change port, RFC 8252 7.3; a native app's private-use
scheme for public clients only, RFC 8252 7.1); one `resource` (RFC 8707), the MCP resource
when omitted, checked at authorize, token and refresh and bound to every token; one-time codes
(a replayed code revokes what it issued); rotating refresh tokens (a replay within the grace
window gets a sibling pair, for hosts that refresh in parallel; a later one ends the
connection); tokens stored only as hashes. Errors are `OAuthError(error, description,
status)` with RFC codes. Callers pass users and the issuer/base URL in; nothing here reads the
request.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import SplitResult, urlsplit

from flask import current_app

from portal.connections import cimd
from portal.connections.tokens import (
    SCOPE,
    SCOPES_SUPPORTED,
    canonical_resource,
    hash_token,
    new_secret,
    now,
    resource_matches,
)
from portal.extensions import db
from portal.models.oauth import AuthorizationCode, Connection, OAuthClient, OAuthToken

AUTH_METHODS = ("none", "client_secret_post", "client_secret_basic")
GRANT_TYPES = ("authorization_code", "refresh_token")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")  # as urlsplit's .hostname gives them
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_METADATA_DEPTH = 16
MAX_REGISTRATION_BYTES = 64 * 1024
PKCE_VALUE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")
MAX_REDIRECT_URIS = 10
METADATA_CACHE = timedelta(hours=1)
URI_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")  # RFC 3986 3.1
# Schemes a browser or the system handles itself: never a native app's private-use scheme.
NOT_APP_SCHEMES = frozenset(
    {"about", "blob", "data", "file", "filesystem", "ftp", "http", "https", "intent", "jar",
     "javascript", "mailto", "sms", "tel", "urn", "vbscript", "view-source", "ws", "wss"}
)  # fmt: skip
REFRESH_TOKEN_REUSED = "refresh_token_reused"
ENDED_BECAUSE = {REFRESH_TOKEN_REUSED: "a refresh token was used twice — reconnect"}
ENDED_SHOWN_FOR = timedelta(days=30)


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status

    def as_dict(self) -> dict:
        return {"error": self.error, "error_description": self.description}


def setting(name: str, default):
    return current_app.config.get(name, default)


def _loads(text: str) -> list:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def client_redirect_uris(client: OAuthClient) -> list[str]:
    return _loads(client.redirect_uris)


def client_grant_types(client: OAuthClient) -> list[str]:
    return _loads(client.grant_types)


# --- registration (RFC 7591) and metadata documents -----------------------------------------


def _url_parts(uri, name: str, error: str) -> SplitResult:
    """An absolute URL with a host, a valid port and no credentials; else `error`."""
    if not isinstance(uri, str) or not uri or len(uri) > 2000:
        raise OAuthError(error, f"{name} must be an absolute URL of at most 2000 characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in uri):
        raise OAuthError(error, f"{name} must not contain spaces or control characters")
    parts = urlsplit(uri)
    try:
        port = parts.port
    except ValueError as exc:
        raise OAuthError(error, f"{name} has an invalid port (1-65535)") from exc
    if port == 0:
        raise OAuthError(error, f"{name} has an invalid port (1-65535)")
    if not parts.hostname:
        raise OAuthError(error, f"{name} must be an absolute URL with a host")
    if "@" in parts.netloc:
        raise OAuthError(error, f"{name} must not contain a user name or password")
    return parts


def private_use_scheme(uri) -> str | None:
    """The scheme of a native app's private-use redirect (RFC 8252 7.1: `cursor://…`,
    `com.example.app:/cb`), or None for anything else (https, http, javascript:, data:, …)."""
    found = URI_SCHEME.match(uri) if isinstance(uri, str) else None
    if found is None or found.group(1).lower() in NOT_APP_SCHEMES:
        return None
    return found.group(1)


def _check_private_use(uri: str, error: str) -> str:
    """A private-use redirect: text a browser hands to the app unchanged, at most 2000
    characters, naming something after the scheme, with no credentials and no fragment."""
    if len(uri) > 2000:
        raise OAuthError(error, "redirect_uri must be at most 2000 characters")
    if any(ord(c) < 33 or ord(c) == 127 for c in uri):
        raise OAuthError(error, "redirect_uri must not contain spaces or control characters")
    if "#" in uri:
        raise OAuthError(error, "redirect_uri must not contain a fragment")
    parts = urlsplit(uri)
    if "@" in parts.netloc:
        raise OAuthError(error, "redirect_uri must not contain a user name or password")
    if not (parts.netloc or parts.path.strip("/")):
        raise OAuthError(error, "redirect_uri must name a path after its scheme")
    return uri


def check_redirect_uri(uri, error: str = "invalid_redirect_uri", *, public_client: bool) -> str:
    """https anywhere, or http on a loopback host (RFC 8252 7.3); absolute, with a valid port,
    no user name or password and no fragment. A native app's private-use scheme (RFC 8252 7.1)
    only for a public client (no secret: such a scheme proves nothing about who receives the
    code, PKCE does). Any other scheme (javascript:, data:, file:, ftp:, …) is refused."""
    if private_use_scheme(uri):
        if not public_client:
            raise OAuthError(
                error,
                "a private-use URI scheme redirect_uri is only for public clients "
                "(token_endpoint_auth_method none)",
            )
        return _check_private_use(uri, error)
    parts = _url_parts(uri, "redirect_uri", error)
    if "#" in uri:
        raise OAuthError(error, "redirect_uri must not contain a fragment")
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return uri
    raise OAuthError(error, "redirect_uri must use https (or http on a loopback address)")


def _https_url(value, name: str) -> str | None:
    """client_uri, logo_uri, policy_uri, tos_uri: shown to people, so https only."""
    if value is None:
        return None
    parts = _url_parts(value, name, "invalid_client_metadata")
    if parts.scheme != "https":
        raise OAuthError("invalid_client_metadata", f"{name} must use https")
    return value


def _text(value, name: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise OAuthError("invalid_client_metadata", f"{name} must be a string of at most {limit}")
    return value


def _string_list(value, name: str, default: list[str]) -> list[str]:
    if value is None:
        return default
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise OAuthError("invalid_client_metadata", f"{name} must be a list of strings")
    return value


def _label(field_name: str | None) -> str:
    """A field's name for an error message: the name itself only when short and printable."""
    if field_name and len(field_name) <= 64 and _unfit_text(field_name) is None:
        return field_name
    return "a field"


def _unfit_text(text: str) -> str | None:
    """Why `text` cannot be stored as text (PostgreSQL refuses NUL), or None."""
    if CONTROL_CHARACTERS.search(text):
        return "contains a control character"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "is not valid Unicode (an unpaired surrogate)"
    return None


def _check_text(text: str, field_name: str | None) -> None:
    problem = _unfit_text(text)
    if problem:
        raise OAuthError("invalid_client_metadata", f"{_label(field_name)} {problem}")


def check_metadata_values(metadata: dict) -> None:
    """Every name and string in the metadata, however nested, is text PostgreSQL can store
    (no NUL, no other control character, no unpaired surrogate), and nesting stays shallow.
    Errors name the top-level field the bad value sits under."""
    pending: list[tuple[object, str | None, int]] = [(metadata, None, 0)]
    while pending:
        value, top_field, depth = pending.pop()
        if depth > MAX_METADATA_DEPTH:
            raise OAuthError("invalid_client_metadata", f"{_label(top_field)} is nested too deeply")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, top_field or key)
                pending.append((item, top_field or key, depth + 1))
        elif isinstance(value, list):
            pending += [(item, top_field, depth + 1) for item in value]
        elif isinstance(value, str):
            _check_text(value, top_field)


def _client_fields(metadata: dict, *, default_method: str) -> dict:
    """Validate client metadata (registration request or metadata document)."""
    if not isinstance(metadata, dict):
        raise OAuthError("invalid_client_metadata", "the body must be a JSON object")
    check_metadata_values(metadata)
    uris = metadata.get("redirect_uris")
    if not isinstance(uris, list) or not uris or len(uris) > MAX_REDIRECT_URIS:
        raise OAuthError("invalid_redirect_uri", "redirect_uris must list 1 to 10 URLs")
    method = metadata.get("token_endpoint_auth_method") or default_method
    if method not in AUTH_METHODS:
        raise OAuthError(
            "invalid_client_metadata", f"token_endpoint_auth_method must be one of {AUTH_METHODS}"
        )
    uris = [check_redirect_uri(u, public_client=method == "none") for u in uris]
    grants = _string_list(metadata.get("grant_types"), "grant_types", ["authorization_code"])
    if not set(grants) <= set(GRANT_TYPES):
        raise OAuthError("invalid_client_metadata", f"grant_types must be within {GRANT_TYPES}")
    if "authorization_code" not in grants:
        raise OAuthError("invalid_client_metadata", "grant_types must include authorization_code")
    responses = _string_list(metadata.get("response_types"), "response_types", ["code"])
    if responses != ["code"]:
        raise OAuthError("invalid_client_metadata", 'response_types must be ["code"]')
    name = _text(metadata.get("client_name"), "client_name", 200) or ""
    scope = _text(metadata.get("scope"), "scope", 500) or ""
    for link in ("logo_uri", "policy_uri", "tos_uri"):
        _https_url(metadata.get(link), link)
    return {
        "redirect_uris": json.dumps(uris),
        "token_endpoint_auth_method": method,
        "grant_types": json.dumps(grants),
        "client_name": name.strip()[:200],
        "client_uri": _https_url(metadata.get("client_uri"), "client_uri"),
        "scope": scope,
    }


def parse_client_metadata(body: bytes) -> dict:
    """A registration request's body as a JSON object; invalid_client_metadata (RFC 7591)
    naming what is wrong for anything larger, deeper or other than a JSON object."""
    if len(body) > MAX_REGISTRATION_BYTES:
        raise OAuthError(
            "invalid_client_metadata", f"the body is larger than {MAX_REGISTRATION_BYTES} bytes"
        )
    try:
        metadata = json.loads(body)
    except RecursionError as exc:
        raise OAuthError("invalid_client_metadata", "the body is nested too deeply") from exc
    except ValueError as exc:
        raise OAuthError("invalid_client_metadata", "the body is not valid JSON") from exc
    if not isinstance(metadata, dict):
        raise OAuthError("invalid_client_metadata", "the body must be a JSON object")
    return metadata


def register_client(metadata: dict) -> dict:
    """RFC 7591 dynamic registration: returns the registration response body."""
    fields = _client_fields(metadata, default_method="client_secret_basic")
    client = OAuthClient(client_id=new_secret(), kind="registered", created_at=now(), **fields)
    secret = None
    if fields["token_endpoint_auth_method"] != "none":
        secret = new_secret()
        client.client_secret_hash = hash_token(secret)
    client.metadata_json = json.dumps(metadata)[:20000]
    db.session.add(client)
    db.session.commit()
    body = {
        "client_id": client.client_id,
        "client_id_issued_at": int(client.created_at.timestamp()),
        "client_name": client.client_name,
        "redirect_uris": client_redirect_uris(client),
        "grant_types": client_grant_types(client),
        "response_types": ["code"],
        "token_endpoint_auth_method": client.token_endpoint_auth_method,
    }
    if client.scope:
        body["scope"] = client.scope
    if client.client_uri:
        body["client_uri"] = client.client_uri
    if secret:
        body["client_secret"] = secret
        body["client_secret_expires_at"] = 0
    return body


def find_client(client_id: str | None) -> OAuthClient | None:
    """A registered client, or a metadata-document client (fetched and cached); None for an
    unknown id, invalid_client (401) naming the problem for an unusable metadata document."""
    if not client_id or not isinstance(client_id, str) or len(client_id) > 2048:
        return None
    if any(ord(c) < 32 for c in client_id):
        return None  # never a valid id (and PostgreSQL refuses NUL)
    client = db.session.scalar(db.select(OAuthClient).filter_by(client_id=client_id))
    allow_private = bool(setting("OAUTH_CIMD_ALLOW_PRIVATE", False))
    if not (
        cimd.is_metadata_client_id(client_id) or (allow_private and client_id.startswith("http://"))
    ):
        return client
    if client is not None and client.kind == "registered":
        return client
    fresh = (
        client is not None
        and client.metadata_fetched_at
        and (now() - client.metadata_fetched_at < METADATA_CACHE)
    )
    if fresh:
        return client
    try:
        document = cimd.fetch(
            client_id,
            timeout=float(setting("CIMD_FETCH_TIMEOUT", cimd.TIMEOUT_SECONDS)),
            allow_private=allow_private,
        )
        fields = _client_fields(document, default_method="none")
    except cimd.MetadataDocumentError as exc:
        raise OAuthError("invalid_client", str(exc), 401) from exc
    except OAuthError as error:
        raise OAuthError(
            "invalid_client", f"client metadata document: {error.description}", 401
        ) from error
    if client is None:
        client = OAuthClient(client_id=client_id, kind="metadata", created_at=now())
        db.session.add(client)
    for key, value in fields.items():
        setattr(client, key, value)
    client.metadata_json = json.dumps(document)[:20000]
    client.metadata_fetched_at = now()
    db.session.commit()
    return client


def authenticate_client(
    client_id: str | None, secret: str | None, *, basic_used: bool
) -> OAuthClient:
    """Token and revocation endpoints: who is calling. invalid_client (401) otherwise."""
    client = find_client(client_id)
    if client is None:
        raise OAuthError("invalid_client", "unknown client", 401)
    if client.token_endpoint_auth_method == "none":
        if basic_used and secret:
            raise OAuthError("invalid_client", "this client has no secret", 401)
        return client
    if not secret or not client.client_secret_hash:
        raise OAuthError("invalid_client", "client authentication is required", 401)
    if not hmac.compare_digest(hash_token(secret), client.client_secret_hash):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    return client


# --- authorisation requests -------------------------------------------------------------------


@dataclass
class AuthorizationRequest:
    """A validated authorisation request; `redirect_error` builds the error redirect."""

    client: OAuthClient
    redirect_uri: str
    state: str | None
    code_challenge: str = ""
    resource: str = ""
    scope: str = SCOPE
    errors: list[OAuthError] = field(default_factory=list)

    @property
    def redirect_host(self) -> str:
        """Where the code goes, for the consent page: a web host, or a native app's scheme."""
        parts = urlsplit(self.redirect_uri)
        if private_use_scheme(self.redirect_uri):
            return f"{parts.scheme}://{parts.netloc}" if parts.netloc else f"{parts.scheme}:"
        return parts.netloc


def _redirect_allowed(client: OAuthClient, redirect_uri: str) -> bool:
    registered = client_redirect_uris(client)
    if redirect_uri in registered:
        return True
    given = urlsplit(redirect_uri)
    if given.scheme != "http" or given.hostname not in LOOPBACK_HOSTS:
        return False
    for uri in registered:  # RFC 8252 7.3: loopback redirects may use any port
        reg = urlsplit(uri)
        if (reg.scheme, reg.hostname, reg.path, reg.query) == (
            "http",
            given.hostname,
            given.path,
            given.query,
        ):
            return True
    return False


def _single(params, name: str) -> str | None:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    values = [v for v in values if v is not None]
    if len(values) > 1:
        raise OAuthError("invalid_request", f"{name} must not be repeated")
    if values and CONTROL_CHARACTERS.search(values[0]):
        raise OAuthError("invalid_request", f"{name} contains a control character")
    return values[0] if values else None


def check_form_values(pairs) -> None:
    """Token and revocation requests: no field name or value holds a control character (NUL
    above all, which PostgreSQL refuses): invalid_request naming the field."""
    for name, value in pairs:
        if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
            raise OAuthError("invalid_request", f"{_label(name)} contains a control character")


def validate_authorization(params, base_url: str) -> AuthorizationRequest:
    """Check an authorisation request. Raises OAuthError when the client or redirect URI is
    bad (show an error page, never redirect); other problems are returned in `.errors` with
    the redirect target known (send the error to the client)."""
    client_id = _single(params, "client_id")
    redirect_uri = _single(params, "redirect_uri")
    client = find_client(client_id)
    if client is None:
        raise OAuthError("invalid_client", "unknown client")
    if not redirect_uri:
        raise OAuthError("invalid_request", "redirect_uri is required")
    check_redirect_uri(
        redirect_uri, "invalid_request", public_client=client.token_endpoint_auth_method == "none"
    )
    if not _redirect_allowed(client, redirect_uri):
        raise OAuthError("invalid_request", "redirect_uri does not match a registered one")
    request = AuthorizationRequest(client=client, redirect_uri=redirect_uri, state=None)
    try:
        request.state = _single(params, "state")
        if _single(params, "response_type") != "code":
            raise OAuthError("unsupported_response_type", "response_type must be code")
        challenge = _single(params, "code_challenge")
        method = _single(params, "code_challenge_method")
        if not challenge:
            raise OAuthError("invalid_request", "code_challenge is required (PKCE)")
        if method != "S256":
            raise OAuthError("invalid_request", "code_challenge_method must be S256")
        if not CHALLENGE.match(challenge):
            raise OAuthError("invalid_request", "code_challenge is not a S256 challenge")
        request.code_challenge = challenge
        request.resource = requested_resource(params, base_url)
        request.scope = grant_scope(_single(params, "scope"))
    except OAuthError as error:
        request.errors.append(error)
    return request


def requested_resource(params, base_url: str) -> str:
    """The one resource (RFC 8707) asked for, or, when none is named, the one MCP resource this
    server protects; invalid_target for several or for another resource."""
    resources = params.getlist("resource") if hasattr(params, "getlist") else []
    if len(resources) > 1:
        raise OAuthError("invalid_target", "at most one resource may be named (RFC 8707)")
    if resources and not resource_matches(resources[0], base_url):
        raise OAuthError("invalid_target", "unknown resource")
    return canonical_resource(base_url)


def grant_scope(requested: str | None) -> str:
    """The scope granted: the supported part of what was asked (RFC 6749 3.3), else mcp:read."""
    asked = [s for s in (requested or "").split() if s in SCOPES_SUPPORTED]
    return " ".join(dict.fromkeys(asked)) or SCOPE


def active_connection(user_id: int, client: OAuthClient) -> Connection:
    connection = db.session.scalar(
        db.select(Connection).filter_by(user_id=user_id, client_pk=client.id, revoked_at=None)
    )
    if connection is None:
        connection = Connection(user_id=user_id, client_pk=client.id, created_at=now())
        db.session.add(connection)
    return connection


def issue_code(user_id: int, request: AuthorizationRequest) -> str:
    connection = active_connection(user_id, request.client)
    connection.scope = request.scope
    db.session.flush()
    code = new_secret()
    db.session.add(
        AuthorizationCode(
            code_hash=hash_token(code),
            connection_id=connection.id,
            redirect_uri=request.redirect_uri,
            code_challenge=request.code_challenge,
            resource=request.resource,
            scope=request.scope,
            family=new_secret()[:32],
            created_at=now(),
            expires_at=now() + timedelta(seconds=setting("OAUTH_CODE_TTL", 300)),
        )
    )
    db.session.commit()
    return code


# --- token endpoint ---------------------------------------------------------------------------


def _store_token(kind: str, connection: Connection, family: str, scope: str, resource: str) -> str:
    """Create a token; only its hash is kept. Returns the token itself, shown once."""
    ttl = (
        setting("OAUTH_ACCESS_TOKEN_TTL", 8 * 3600)
        if kind == "access"
        else setting("OAUTH_REFRESH_TOKEN_TTL", 30 * 86400)
    )
    value, moment = new_secret(), now()
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
    return value


def _issue_tokens(
    connection: Connection, client: OAuthClient, family: str, scope: str, resource: str
) -> dict:
    body = {
        "access_token": _store_token("access", connection, family, scope, resource),
        "token_type": "Bearer",
        "expires_in": int(setting("OAUTH_ACCESS_TOKEN_TTL", 8 * 3600)),
        "scope": scope,
    }
    if "refresh_token" in client_grant_types(client):
        body["refresh_token"] = _store_token("refresh", connection, family, scope, resource)
    db.session.commit()
    return body


def revoke_family(family: str) -> None:
    db.session.execute(
        db.update(OAuthToken)
        .where(OAuthToken.family == family, OAuthToken.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    db.session.commit()


def _pkce_ok(verifier: str, challenge: str) -> bool:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    expected = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return hmac.compare_digest(expected, challenge)


def _check_grant_resource(params, base_url: str, bound: str) -> None:
    """The token request's resource, when named, is the grant's (RFC 8707 2.2); one left out
    means the grant's own."""
    resources = params.getlist("resource")
    if len(resources) > 1:
        raise OAuthError("invalid_target", "at most one resource may be named (RFC 8707)")
    if canonical_resource(base_url) != bound or (
        resources and not resource_matches(resources[0], base_url)
    ):
        raise OAuthError("invalid_target", "the resource does not match the grant")


def exchange_code(client: OAuthClient, params, base_url: str) -> dict:
    code = params.get("code")
    if not code:
        raise OAuthError("invalid_request", "code is required")
    row = db.session.scalar(db.select(AuthorizationCode).filter_by(code_hash=hash_token(code)))
    if row is None:
        raise OAuthError("invalid_grant", "unknown or expired code")
    connection = db.session.get(Connection, row.connection_id)
    if connection is None or connection.client_pk != client.id:
        raise OAuthError("invalid_grant", "the code was issued to another client")
    claimed = db.session.execute(
        db.update(AuthorizationCode)
        .where(AuthorizationCode.id == row.id, AuthorizationCode.used_at.is_(None))
        .values(used_at=now())
    ).rowcount
    db.session.commit()
    if claimed != 1:
        revoke_family(row.family)  # a replayed code: revoke what it issued
        raise OAuthError("invalid_grant", "the code has already been used")
    if row.expires_at <= now():
        raise OAuthError("invalid_grant", "unknown or expired code")
    if connection.revoked_at is not None:
        raise OAuthError("invalid_grant", "the connection has been revoked")
    if params.get("redirect_uri") != row.redirect_uri:
        raise OAuthError("invalid_grant", "redirect_uri does not match the authorisation request")
    verifier = params.get("code_verifier")
    if not verifier:
        raise OAuthError("invalid_request", "code_verifier is required (PKCE)")
    if not PKCE_VALUE.match(verifier) or not _pkce_ok(verifier, row.code_challenge):
        raise OAuthError("invalid_grant", "code_verifier does not match the code_challenge")
    _check_grant_resource(params, base_url, row.resource)
    return _issue_tokens(connection, client, row.family, row.scope, row.resource)


def refresh(client: OAuthClient, params, base_url: str) -> dict:
    """Rotate a refresh token. The first exchange wins; a replay of the family's latest
    rotated token within OAUTH_REFRESH_GRACE_SECONDS (a host refreshing from two places at
    once) gets a new pair in the same family, both pairs staying valid; any other replay ends
    the connection (the token may have been stolen). The decision is made with the token's row
    locked, so concurrent requests are serialised on SQLite and PostgreSQL alike."""
    if "refresh_token" not in client_grant_types(client):
        raise OAuthError("unauthorized_client", "this client did not register refresh_token")
    value = params.get("refresh_token")
    if not value:
        raise OAuthError("invalid_request", "refresh_token is required")
    token = db.session.scalar(
        db.select(OAuthToken).filter_by(token_hash=hash_token(value), kind="refresh")
    )
    if token is None:
        raise OAuthError("invalid_grant", "unknown refresh token")
    connection = db.session.get(Connection, token.connection_id)
    if connection is None or connection.client_pk != client.id:
        raise OAuthError("invalid_grant", "the refresh token was issued to another client")
    _check_grant_resource(params, base_url, token.resource)
    scope = token.scope
    if params.get("scope"):
        asked = params.get("scope").split()
        if not set(asked) <= set(token.scope.split()):
            raise OAuthError("invalid_scope", "a refresh cannot widen the scope")
        scope = " ".join(dict.fromkeys(asked))
    token = _locked_token(token.id)
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
    return _issue_tokens(token.connection, client, token.family, scope, token.resource)


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


def revoke_token(client: OAuthClient, value: str) -> None:
    """RFC 7009: unknown tokens are fine; a refresh token takes its family with it."""
    token = db.session.scalar(db.select(OAuthToken).filter_by(token_hash=hash_token(value)))
    if token is None:
        return
    connection = db.session.get(Connection, token.connection_id)
    if connection is None or connection.client_pk != client.id:
        return
    if token.kind == "refresh":
        revoke_family(token.family)
    else:
        token.revoked_at = token.revoked_at or now()
        db.session.commit()


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
