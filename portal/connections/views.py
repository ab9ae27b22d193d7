"""HTTP for the authorisation server and the AI Connections page.

`oauth` blueprint: RFC 9728 protected-resource metadata, RFC 8414 server metadata,
/oauth/register (RFC 7591), /oauth/authorize (sign-in, consent), /oauth/token,
/oauth/revoke (RFC 7009). `connections` blueprint: /mcp/about/ (the page), revoke, the admin
view, and `flask connections cleanup`.
"""

from __future__ import annotations

import base64
import binascii
from datetime import timedelta
from urllib.parse import unquote_plus, urlencode

import click
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BuildError

from portal.blueprints.errors import MESSAGES, register_json_surface
from portal.connections import service
from portal.connections.service import OAuthError
from portal.connections.tokens import MCP_PATH, SCOPES_SUPPORTED, current_resource
from portal.extensions import csrf, limiter
from portal.links import public_base_url

bp = Blueprint("oauth", __name__)
pages = Blueprint("connections", __name__, cli_group="connections")


@bp.after_app_request
def cors(response):
    """Browser-based MCP clients call discovery, registration, token and revocation from their
    own origin: any origin may (no cookies are involved), on every answer including errors
    raised before a view (405, 413, 429), and may read a 401's challenge."""
    if is_client_path(request.path):
        discovery = request.path.startswith("/.well-known/")
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = (
            "GET, OPTIONS" if discovery else "POST, OPTIONS"
        )
        response.headers["Access-Control-Allow-Headers"] = (
            "Authorization, Content-Type, Accept, MCP-Protocol-Version"
        )
        response.headers["Access-Control-Expose-Headers"] = "WWW-Authenticate"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def json_error(error: OAuthError, *, basic_used: bool = False):
    response = no_store(jsonify(error.as_dict()))
    response.status_code = error.status
    if error.status == 401 and basic_used:
        response.headers["WWW-Authenticate"] = 'Basic realm="oauth"'
    return response


def is_client_path(path: str) -> bool:
    """What clients (not people) call: discovery, registration, token and revocation."""
    return path in ("/oauth/register", "/oauth/token", "/oauth/revoke") or path.startswith(
        "/.well-known/oauth-"
    )


def client_endpoint_error(error: HTTPException):
    """Errors raised outside a client endpoint's view (429, 413, 405, our own 500) in OAuth's
    JSON format, never the site's HTML page."""
    _title, message = MESSAGES.get(error.code, (error.name, error.description))
    kind = "invalid_client_metadata" if request.path == "/oauth/register" else "invalid_request"
    if error.code >= 500:
        kind = "server_error"
    return json_error(OAuthError(kind, message, error.code))


@bp.record_once
def answer_errors_as_oauth_json(state) -> None:
    register_json_surface(state.app, is_client_path, client_endpoint_error)


# --- discovery --------------------------------------------------------------------------------


def server_metadata_document() -> dict:
    issuer = public_base_url()
    return {
        "issuer": issuer,
        "authorization_endpoint": issuer + "/oauth/authorize",
        "token_endpoint": issuer + "/oauth/token",
        "registration_endpoint": issuer + "/oauth/register",
        "revocation_endpoint": issuer + "/oauth/revoke",
        "scopes_supported": list(SCOPES_SUPPORTED),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": list(service.GRANT_TYPES),
        "token_endpoint_auth_methods_supported": list(service.AUTH_METHODS),
        "revocation_endpoint_auth_methods_supported": list(service.AUTH_METHODS),
        "code_challenge_methods_supported": ["S256"],
        "client_id_metadata_document_supported": True,
        "authorization_response_iss_parameter_supported": True,
        "service_documentation": issuer + "/mcp/about/",
    }


@bp.get("/.well-known/oauth-protected-resource")
@bp.get("/.well-known/oauth-protected-resource" + MCP_PATH)
@bp.get("/.well-known/oauth-protected-resource" + MCP_PATH + "/")
def protected_resource():
    return jsonify(
        {
            "resource": current_resource(),
            "authorization_servers": [public_base_url()],
            "scopes_supported": list(SCOPES_SUPPORTED),
            "bearer_methods_supported": ["header"],
            "resource_name": "Haresign GP practice data (read-only)",
            "resource_documentation": public_base_url() + "/mcp/about/",
        }
    )


@bp.get("/.well-known/oauth-authorization-server")
def server_metadata():
    return jsonify(server_metadata_document())


# --- registration -----------------------------------------------------------------------------


@bp.post("/oauth/register")
@csrf.exempt
@limiter.limit("20/minute")
def register():
    try:
        if not request.is_json:
            raise OAuthError(
                "invalid_client_metadata", "the body must be JSON (Content-Type: application/json)"
            )
        if (request.content_length or 0) > service.MAX_REGISTRATION_BYTES:
            raise OAuthError(
                "invalid_client_metadata",
                f"the body is larger than {service.MAX_REGISTRATION_BYTES} bytes",
            )
        # a body without a length (chunked) is read only one byte past the limit
        raw = request.stream.read(service.MAX_REGISTRATION_BYTES + 1)
        body = service.register_client(service.parse_client_metadata(raw))
    except OAuthError as error:
        return json_error(error)
    response = no_store(jsonify(body))
    response.status_code = 201
    return response


# --- authorisation ----------------------------------------------------------------------------


def redirect_with(uri: str, params: dict):
    params = {k: v for k, v in params.items() if v is not None}
    separator = "&" if "?" in uri else "?"
    return redirect(uri + separator + urlencode(params), code=302)


def bad_request_page(error: OAuthError):
    message = f"{error.description} ({error.error}). Go back to your AI assistant and try again."
    return (
        render_template(
            "error.html", title="This connection request cannot be used", message=message
        ),
        400,
    )


def sign_in_redirect():
    try:
        return redirect(url_for("accounts.sign_in", next=request.full_path))
    except BuildError:
        abort(503)


def authorize_limit() -> str:
    """Authorisation requests (page views and decisions together) per client address."""
    return current_app.config["AUTHORIZE_RATE_LIMIT"]


authorize_rate = limiter.shared_limit(authorize_limit, scope="oauth-authorize")


def error_redirect(auth: service.AuthorizationRequest, error: OAuthError):
    return redirect_with(
        auth.redirect_uri,
        {
            "error": error.error,
            "error_description": error.description,
            "state": auth.state,
            "iss": public_base_url(),
        },
    )


@bp.get("/oauth/authorize")
@authorize_rate
def authorize():
    """The consent page (GET and HEAD): shows the request, never grants it."""
    try:
        auth = service.validate_authorization(request.args, public_base_url())
    except OAuthError as error:
        return bad_request_page(error)
    if auth.errors:
        return error_redirect(auth, auth.errors[0])
    if not current_user.is_authenticated:
        return sign_in_redirect()
    page = make_response(
        render_template(
            "connections/consent.html",
            auth=auth,
            client=auth.client,
            fields={
                k: request.args.get(k) for k in CONSENT_FIELDS if request.args.get(k) is not None
            },
        )
    )
    page.headers["X-Frame-Options"] = "DENY"  # no clickjacking of the consent button
    page.headers["Content-Security-Policy"] = "frame-ancestors 'none'"
    return no_store(page)


@bp.post("/oauth/authorize")
@authorize_rate
def authorize_decision():
    """The person's answer on the consent page (CSRF-checked): a code, or access_denied."""
    try:
        auth = service.validate_authorization(request.form, public_base_url())
    except OAuthError as error:
        return bad_request_page(error)
    if auth.errors:
        return error_redirect(auth, auth.errors[0])
    if not current_user.is_authenticated:
        return bad_request_page(OAuthError("access_denied", "sign in before you approve"))
    if request.form.get("decision") != "approve":
        return error_redirect(auth, OAuthError("access_denied", "the user declined"))
    code = service.issue_code(int(current_user.get_id()), auth)
    return redirect_with(
        auth.redirect_uri, {"code": code, "state": auth.state, "iss": public_base_url()}
    )


CONSENT_FIELDS = (
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "code_challenge",
    "code_challenge_method",
    "resource",
    "scope",
)


# --- token and revocation ---------------------------------------------------------------------


def client_credentials() -> tuple[str | None, str | None, bool]:
    """(client_id, secret, basic_used) from HTTP Basic (RFC 6749 2.3.1) or the form."""
    header = request.headers.get("Authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError("invalid_client", "malformed Basic credentials", 401) from exc
        client_id, sep, secret = decoded.partition(":")
        client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        if not sep or service.CONTROL_CHARACTERS.search(client_id + secret):
            raise OAuthError("invalid_client", "malformed Basic credentials", 401)
        form_id = request.form.get("client_id")
        if form_id and form_id != client_id:
            raise OAuthError("invalid_request", "client_id differs from the Basic credentials")
        if request.form.get("client_secret"):
            raise OAuthError("invalid_request", "use one client authentication method")
        return client_id, secret, True
    return request.form.get("client_id"), request.form.get("client_secret"), False


def calling_client():
    client_id, secret, basic_used = client_credentials()
    return service.authenticate_client(client_id, secret, basic_used=basic_used)


@bp.post("/oauth/token")
@csrf.exempt
@limiter.limit("60/minute")
def token():
    basic_used = request.headers.get("Authorization", "")[:6].lower() == "basic "
    try:
        service.check_form_values(request.form.items(multi=True))
        grant_type = request.form.get("grant_type")
        if not grant_type:
            raise OAuthError("invalid_request", "grant_type is required")
        if grant_type not in service.GRANT_TYPES:
            raise OAuthError(
                "unsupported_grant_type", f"grant_type must be one of {service.GRANT_TYPES}"
            )
        client = calling_client()
        if grant_type == "authorization_code":
            body = service.exchange_code(client, request.form, public_base_url())
        else:
            body = service.refresh(client, request.form, public_base_url())
    except OAuthError as error:
        return json_error(error, basic_used=basic_used)
    return no_store(jsonify(body))


@bp.post("/oauth/revoke")
@csrf.exempt
@limiter.limit("60/minute")
def revoke():
    basic_used = request.headers.get("Authorization", "")[:6].lower() == "basic "
    try:
        service.check_form_values(request.form.items(multi=True))
        client = calling_client()
        value = request.form.get("token")
        if not value:
            raise OAuthError("invalid_request", "token is required")
        service.revoke_token(client, value)
    except OAuthError as error:
        return json_error(error, basic_used=basic_used)
    return no_store(jsonify({}))


# --- the AI Connections page ------------------------------------------------------------------


def sign_in_url() -> str | None:
    try:
        return url_for("accounts.sign_in", next=request.path)
    except BuildError:
        return None


@pages.get("/mcp/about/")
def about():
    user_id = int(current_user.get_id()) if current_user.is_authenticated else None
    return render_template(
        "connections/about.html",
        endpoint=public_base_url() + MCP_PATH + "/",
        connections=service.list_connections(user_id) if user_id else [],
        ended=service.ended_connections(user_id) if user_id else [],
        sign_in_url=sign_in_url(),
    )


@pages.post("/mcp/about/connections/<int:connection_id>/revoke")
def revoke_connection(connection_id: int):
    if not current_user.is_authenticated:
        abort(404)
    admin = bool(getattr(current_user, "is_admin", False))
    if not service.revoke_connection(connection_id, int(current_user.get_id()), admin=admin):
        abort(404)
    flash("Connection revoked. The assistant can no longer read data with it.")
    target = request.form.get("back")
    if target == "admin" and admin:
        return redirect(url_for("connections.admin"))
    return redirect(url_for("connections.about"))


@pages.get("/mcp/about/all")
def admin():
    if not current_user.is_authenticated or not getattr(current_user, "is_admin", False):
        abort(404)
    return render_template("connections/admin.html", connections=service.list_connections(None))


@pages.cli.command("cleanup")
@click.option(
    "--days", default=1, show_default=True, help="Age before an unused registration goes."
)
def cleanup_command(days: int):
    """Delete client registrations that never completed a grant, and long-expired tokens."""
    result = service.cleanup(timedelta(days=days))
    click.echo(
        f"removed {result['clients']} unused client registrations, "
        f"{result['expired_tokens']} expired tokens, {result['expired_codes']} expired codes"
    )
