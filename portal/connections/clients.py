"""Who a client is: a registered client (RFC 7591), or a Client ID Metadata Document client
(fetched through cimd.py and cached an hour), seen by Authlib through the `Client` adapter;
and how it authenticates at the token and revocation endpoints.

Client authentication is ours, not Authlib's registry of methods: Authlib accepts a Basic
header and form credentials together and words failures its own way; we refuse mixed or
malformed credentials (control characters too) with invalid_client/invalid_request.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from datetime import timedelta
from urllib.parse import unquote_plus

from authlib.oauth2.rfc6749 import ClientMixin
from flask import current_app

from portal.clock import now
from portal.connections import cimd
from portal.connections.errors import OAuthError
from portal.connections.redirects import check_redirect_uri, redirect_allowed
from portal.connections.registration import CONTROL_CHARACTERS, client_metadata, row_fields
from portal.connections.resource import SCOPE, SCOPES_SUPPORTED
from portal.connections.tokens import hash_token
from portal.extensions import db
from portal.models.oauth import OAuthClient

METADATA_CACHE = timedelta(hours=1)


def loads(text: str) -> list:
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def grant_scope(requested: str | None) -> str:
    """The scope granted: the supported part of what was asked (RFC 6749 3.3), else mcp:read."""
    asked = [s for s in (requested or "").split() if s in SCOPES_SUPPORTED]
    return " ".join(dict.fromkeys(asked)) or SCOPE


class Client(ClientMixin):
    """An OAuthClient row as Authlib asks about it."""

    def __init__(self, row: OAuthClient):
        self.row = row
        self.client_id = row.client_id

    @property
    def public(self) -> bool:
        return self.row.token_endpoint_auth_method == "none"

    def get_default_redirect_uri(self) -> None:
        return None  # a request must name its redirect_uri, even with one registered

    def get_allowed_scope(self, scope: str | None) -> str:
        return grant_scope(scope)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        try:
            check_redirect_uri(redirect_uri, "invalid_request", public_client=self.public)
        except OAuthError:
            return False
        return redirect_allowed(loads(self.row.redirect_uris), redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        stored = self.row.client_secret_hash
        return bool(stored) and hmac.compare_digest(hash_token(client_secret), stored)

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in loads(self.row.grant_types)


def find_client(client_id: str | None) -> OAuthClient | None:
    """A registered client, or a metadata-document client (fetched and cached); None for an
    unknown id, invalid_client (401) naming the problem for an unusable metadata document."""
    if not client_id or not isinstance(client_id, str) or len(client_id) > 2048:
        return None
    if any(ord(c) < 32 for c in client_id):
        return None  # never a valid id (and PostgreSQL refuses NUL)
    client = db.session.scalar(db.select(OAuthClient).filter_by(client_id=client_id))
    allow_private = bool(current_app.config.get("OAUTH_CIMD_ALLOW_PRIVATE", False))
    if not (
        cimd.is_metadata_client_id(client_id) or (allow_private and client_id.startswith("http://"))
    ):
        return client
    if client is not None and client.kind == "registered":
        return client
    fetched = client is not None and client.metadata_fetched_at
    if fetched and now() - client.metadata_fetched_at < METADATA_CACHE:
        return client
    try:
        document = cimd.fetch(
            client_id,
            timeout=float(current_app.config.get("CIMD_FETCH_TIMEOUT", cimd.TIMEOUT_SECONDS)),
            allow_private=allow_private,
        )
        fields = row_fields(client_metadata(document, default_method="none"), document)
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
    client.metadata_fetched_at = now()
    db.session.commit()
    return client


def query_client(client_id: str | None) -> Client | None:
    """Authlib's client lookup."""
    row = find_client(client_id)
    return Client(row) if row is not None else None


def credentials(headers, form) -> tuple[str | None, str | None, bool]:
    """(client_id, secret, basic_used) from HTTP Basic (RFC 6749 2.3.1) or the form."""
    header = headers.get("Authorization", "")
    if header[:6].lower() != "basic ":
        return form.get("client_id"), form.get("client_secret"), False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise OAuthError("invalid_client", "malformed Basic credentials", 401) from exc
    client_id, sep, secret = decoded.partition(":")
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if not sep or CONTROL_CHARACTERS.search(client_id + secret):
        raise OAuthError("invalid_client", "malformed Basic credentials", 401)
    form_id = form.get("client_id")
    if form_id and form_id != client_id:
        raise OAuthError("invalid_request", "client_id differs from the Basic credentials")
    if form.get("client_secret"):
        raise OAuthError("invalid_request", "use one client authentication method")
    return client_id, secret, True


def authenticate(request) -> Client:
    """The client calling the token or revocation endpoint; invalid_client (401) otherwise.
    Sets `request.auth_method` as Authlib's own authentication does."""
    client_id, secret, basic_used = credentials(request.headers, request.form)
    client = query_client(client_id)
    if client is None:
        raise OAuthError("invalid_client", "unknown client", 401)
    if client.public:
        if basic_used and secret:
            raise OAuthError("invalid_client", "this client has no secret", 401)
    elif not secret or not client.row.client_secret_hash:
        raise OAuthError("invalid_client", "client authentication is required", 401)
    elif not client.check_client_secret(secret):
        raise OAuthError("invalid_client", "client authentication failed", 401)
    request.auth_method = client.row.token_endpoint_auth_method
    return client
