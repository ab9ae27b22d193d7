"""The authorisation server: Authlib's Flask AuthorizationServer with our grants, endpoints
and extensions wired in, and the requests and responses in our shape.

Requests read the query (GET) or the form (POST), never both, or parameters a caller hands
in; the issuer is PUBLIC_BASE_URL, never the request's Host. Every JSON error is
`{"error", "error_description"}`, not cached, with `WWW-Authenticate: Basic` on a 401 to a
Basic caller; authorisation errors with a known redirect URI go back to it with `state`
and `iss` (RFC 9207).
"""

from __future__ import annotations

from authlib.integrations.flask_oauth2 import AuthorizationServer as FlaskAuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc8414 import AuthorizationServerMetadata
from authlib.oauth2.rfc9207 import IssuerParameter
from flask import current_app, jsonify
from flask import request as http_request
from werkzeug.datastructures import MultiDict

from portal.connections import clients
from portal.connections.errors import OAuthError
from portal.connections.grants import (
    AuthorizationCodeGrant,
    Pkce,
    RefreshTokenGrant,
    save_token,
    single,
)
from portal.connections.registration import (
    AUTH_METHODS,
    CONTROL_CHARACTERS,
    GRANT_TYPES,
    RegistrationEndpoint,
    label,
)
from portal.connections.resource import SCOPES_SUPPORTED
from portal.connections.revocation import Revocation
from portal.connections.tokens import new_secret
from portal.links import public_base_url


class Params(OAuth2Payload):
    def __init__(self, params: MultiDict):
        self._params = params

    @property
    def data(self) -> MultiDict:
        return self._params

    @property
    def datalist(self) -> dict[str, list]:
        return {key: self._params.getlist(key) for key in self._params}


class Request(OAuth2Request):
    """An OAuth request over `params`, for the server at `base_url`. Authlib's constructor is
    not called: its https check reads the request URL, and ours is PUBLIC_BASE_URL's to vouch
    for (http on loopback in development and tests)."""

    def __init__(self, method: str, params: MultiDict, headers, base_url: str):
        self.method, self.uri, self.headers, self._body = method, base_url, headers or {}, None
        self.payload = Params(params)
        self.base_url = base_url
        self.client = self.auth_method = self.user = self.credential = self._scope = None
        self.authorization_code = self.refresh_token = self.resource = None

    @property
    def args(self) -> MultiDict:
        return self.payload.data

    @property
    def form(self) -> MultiDict:
        return self.payload.data


class Issuer(IssuerParameter):
    def get_issuer(self) -> str:
        return public_base_url()


def access_token_lifetime(client, grant_type) -> int:
    return int(current_app.config.get("OAUTH_ACCESS_TOKEN_TTL", 8 * 3600))


def check_form_values(pairs) -> None:
    """No field name or value holds a control character (NUL above all, which PostgreSQL
    refuses): invalid_request naming the field."""
    for name, value in pairs:
        if CONTROL_CHARACTERS.search(name) or CONTROL_CHARACTERS.search(value):
            raise OAuthError("invalid_request", f"{label(name)} contains a control character")


class AuthorizationServer(FlaskAuthorizationServer):
    def __init__(self):
        super().__init__(query_client=clients.query_client, save_token=save_token)
        new_token = lambda **_: new_secret()  # noqa: E731 - Authlib passes client, user, scope
        self.register_token_generator(
            "default", BearerTokenGenerator(new_token, new_token, access_token_lifetime)
        )
        self.register_grant(AuthorizationCodeGrant, [Pkce(required=True)])
        self.register_grant(RefreshTokenGrant)
        self.registration = RegistrationEndpoint(self)
        self.register_endpoint(self.registration)
        self.register_endpoint(Revocation)
        self.register_extension(Issuer())

    def authenticate_client(self, request, methods, endpoint="token"):
        """Ours, not Authlib's method registry, which takes Basic and form credentials at
        once (clients.py). A caller that authenticated the client already hands it in."""
        return request.client or clients.authenticate(request)

    def request_for(self, params: MultiDict, base_url: str | None = None, client=None) -> Request:
        """A request over given parameters (the consent form's, or a caller's without HTTP)."""
        request = Request("POST", params, {}, base_url or public_base_url())
        request.client = client
        if client is not None:
            request.auth_method = client.row.token_endpoint_auth_method
        return request

    def create_oauth2_request(self, request) -> Request:
        if isinstance(request, Request):
            return request
        params = http_request.form if http_request.method == "POST" else http_request.args
        return Request(http_request.method, params, http_request.headers, public_base_url())

    def handle_error_response(self, request, error):
        if error.redirect_uri:
            if error.state and CONTROL_CHARACTERS.search(error.state):
                error.state = None  # never echo what we refused
            return super().handle_error_response(request, error)
        response = jsonify({"error": error.error, "error_description": error.description or ""})
        response.status_code = error.status_code
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        basic = http_request.headers.get("Authorization", "")[:6].lower() == "basic "
        if error.status_code == 401 and basic:
            response.headers["WWW-Authenticate"] = 'Basic realm="oauth"'
        return response

    # --- the endpoints ----------------------------------------------------------------------

    def consent_grant(self, params: MultiDict, base_url: str | None = None):
        """The validated authorisation request. A bad client or redirect URI raises an error
        without `redirect_uri` (show a page, never redirect); other errors carry it."""
        for name in ("client_id", "redirect_uri"):
            single(params, name)
        return self.get_consent_grant(self.request_for(params, base_url))

    def authorization_error(self, error):
        """The redirect carrying an error found before the person decided, with `iss`."""
        response = self.handle_error_response(None, error)
        self.execute_hook("after_create_authorization_response", response)
        return response

    def token_response(self):
        try:
            check_form_values(http_request.form.items(multi=True))
            if not http_request.form.get("grant_type"):
                raise OAuthError("invalid_request", "grant_type is required")
        except OAuthError as error:
            return self.handle_error_response(None, error)
        return self.create_token_response()

    def revocation_response(self):
        try:
            check_form_values(http_request.form.items(multi=True))
        except OAuthError as error:
            return self.handle_error_response(None, error)
        return self.create_endpoint_response(Revocation.ENDPOINT_NAME)

    def registration_response(self):
        return self.create_endpoint_response(RegistrationEndpoint.ENDPOINT_NAME)


def server_metadata_document(issuer: str) -> AuthorizationServerMetadata:
    """RFC 8414, with the CIMD and RFC 9207 flags MCP clients look for."""
    return AuthorizationServerMetadata(
        {
            "issuer": issuer,
            "authorization_endpoint": issuer + "/oauth/authorize",
            "token_endpoint": issuer + "/oauth/token",
            "registration_endpoint": issuer + "/oauth/register",
            "revocation_endpoint": issuer + "/oauth/revoke",
            "scopes_supported": list(SCOPES_SUPPORTED),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": list(GRANT_TYPES),
            "token_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "revocation_endpoint_auth_methods_supported": list(AUTH_METHODS),
            "code_challenge_methods_supported": Pkce.SUPPORTED_CODE_CHALLENGE_METHOD,
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
            "service_documentation": issuer + "/mcp/about/",
        }
    )


server = AuthorizationServer()
