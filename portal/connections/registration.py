"""RFC 7591 dynamic client registration on Authlib's ClientRegistrationEndpoint, and the
client metadata rules it shares with Client ID Metadata Documents (clients.py).

Stricter than Authlib's claim checks, so ours replace them: redirect URIs as redirects.py
allows (invalid_redirect_uri naming the problem), the grants and auth methods we serve, https
links, and every string storable as text (no control character, no unpaired surrogate, not
nested deeper than 16). Public clients (`none`) get no secret; secrets are stored hashed.
"""

from __future__ import annotations

import json
import re
from functools import cached_property

from authlib.oauth2.rfc6749 import JsonPayload, JsonRequest
from authlib.oauth2.rfc7591 import ClientRegistrationEndpoint
from flask import request as http_request

from portal.clock import now
from portal.connections.errors import OAuthError
from portal.connections.redirects import check_redirect_uri, url_parts
from portal.connections.tokens import hash_token, new_secret
from portal.extensions import db
from portal.models.oauth import OAuthClient

AUTH_METHODS = ("none", "client_secret_post", "client_secret_basic")
GRANT_TYPES = ("authorization_code", "refresh_token")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
MAX_METADATA_DEPTH = 16
MAX_REGISTRATION_BYTES = 64 * 1024
MAX_REDIRECT_URIS = 10


def _https_url(value, name: str) -> str | None:
    """client_uri, logo_uri, policy_uri, tos_uri: shown to people, so https only."""
    if value is None:
        return None
    if url_parts(value, name, "invalid_client_metadata").scheme != "https":
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


def label(field_name: str | None) -> str:
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
        raise OAuthError("invalid_client_metadata", f"{label(field_name)} {problem}")


def check_metadata_values(metadata: dict) -> None:
    """Every name and string in the metadata, however nested, is text PostgreSQL can store,
    and nesting stays shallow. Errors name the top-level field the bad value sits under."""
    pending: list[tuple[object, str | None, int]] = [(metadata, None, 0)]
    while pending:
        value, top_field, depth = pending.pop()
        if depth > MAX_METADATA_DEPTH:
            raise OAuthError("invalid_client_metadata", f"{label(top_field)} is nested too deeply")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, top_field or key)
                pending.append((item, top_field or key, depth + 1))
        elif isinstance(value, list):
            pending += [(item, top_field, depth + 1) for item in value]
        elif isinstance(value, str):
            _check_text(value, top_field)


def client_metadata(metadata: dict, *, default_method: str) -> dict:
    """The validated metadata (a registration request or a metadata document) as the
    registration response shows it."""
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
    shown = {
        "client_name": name.strip()[:200],
        "redirect_uris": uris,
        "grant_types": grants,
        "response_types": ["code"],
        "token_endpoint_auth_method": method,
        "scope": scope,
        "client_uri": _https_url(metadata.get("client_uri"), "client_uri"),
    }
    return {k: v for k, v in shown.items() if v or k == "client_name"}


def row_fields(metadata: dict, document: dict) -> dict:
    """OAuthClient columns for validated metadata and the document it came from."""
    return {
        "client_name": metadata["client_name"],
        "redirect_uris": json.dumps(metadata["redirect_uris"]),
        "grant_types": json.dumps(metadata["grant_types"]),
        "token_endpoint_auth_method": metadata["token_endpoint_auth_method"],
        "scope": metadata.get("scope", ""),
        "client_uri": metadata.get("client_uri"),
        "metadata_json": json.dumps(document)[:20000],
    }


def parse_client_metadata(body: bytes) -> dict:
    """A registration request's body as a JSON object; invalid_client_metadata naming what is
    wrong for anything larger, deeper or other than a JSON object."""
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


class HttpMetadata(JsonPayload):
    """The request body, read at most one byte past the limit (a chunked body has no length)
    and parsed by our rules, not Flask's; inside the endpoint so errors render as OAuth."""

    @cached_property
    def data(self) -> dict:
        if not http_request.is_json:
            raise OAuthError(
                "invalid_client_metadata", "the body must be JSON (Content-Type: application/json)"
            )
        if (http_request.content_length or 0) > MAX_REGISTRATION_BYTES:
            raise OAuthError(
                "invalid_client_metadata",
                f"the body is larger than {MAX_REGISTRATION_BYTES} bytes",
            )
        return parse_client_metadata(http_request.stream.read(MAX_REGISTRATION_BYTES + 1))


class GivenMetadata(JsonPayload):
    """Metadata handed in by a caller (flask commands, tests) rather than read from HTTP."""

    def __init__(self, metadata: dict):
        self._metadata = metadata

    @property
    def data(self) -> dict:
        return self._metadata


def registration_request(metadata: dict | None = None) -> JsonRequest:
    """A registration request: the current HTTP one, or `metadata` given directly."""
    request = JsonRequest("POST", "/oauth/register")
    request.payload = HttpMetadata() if metadata is None else GivenMetadata(metadata)
    return request


class RegistrationEndpoint(ClientRegistrationEndpoint):
    """Open registration, as MCP clients expect: anyone may register."""

    def authenticate_token(self, request):
        return True

    def create_endpoint_request(self, request):
        return request if isinstance(request, JsonRequest) else registration_request()

    def extract_client_metadata(self, request):
        return client_metadata(request.payload.data, default_method="client_secret_basic")

    def generate_client_id(self, request):
        return new_secret()

    def generate_client_secret(self, request):
        return new_secret()

    def generate_client_info(self, request):
        info = super().generate_client_info(request)
        if request.payload.data.get("token_endpoint_auth_method") == "none":
            del info["client_secret"], info["client_secret_expires_at"]  # a public client
        return info

    def save_client(self, client_info, client_metadata, request):
        secret = client_info.get("client_secret")
        client = OAuthClient(
            client_id=client_info["client_id"],
            kind="registered",
            client_secret_hash=hash_token(secret) if secret else None,
            created_at=now(),
            **row_fields(client_metadata, request.payload.data),
        )
        db.session.add(client)
        db.session.commit()
        return client

    def get_server_metadata(self):
        return None
