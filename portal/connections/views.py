"""HTTP for the authorisation server and the AI Connections page.

`oauth` blueprint: RFC 9728 protected-resource metadata, RFC 8414 server metadata,
/oauth/register (RFC 7591), /oauth/authorize (sign-in, consent), /oauth/token,
/oauth/revoke (RFC 7009). `connections` blueprint: /mcp/about/ (the page), revoke, the admin
view, and `flask connections cleanup`.
"""

from __future__ import annotations

from datetime import timedelta

import click
from authlib.oauth2 import OAuth2Error
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
from portal.connections.errors import OAuthError
from portal.connections.grants import AuthorizationCodeGrant
from portal.connections.resource import MCP_PATH, protected_resource_metadata
from portal.connections.server import server, server_metadata_document
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
    return server.handle_error_response(None, OAuthError(kind, message, error.code))


@bp.record_once
def answer_errors_as_oauth_json(state) -> None:
    register_json_surface(state.app, is_client_path, client_endpoint_error)


# --- discovery --------------------------------------------------------------------------------


@bp.get("/.well-known/oauth-protected-resource")
@bp.get("/.well-known/oauth-protected-resource" + MCP_PATH)
@bp.get("/.well-known/oauth-protected-resource" + MCP_PATH + "/")
def protected_resource():
    return jsonify(protected_resource_metadata(public_base_url()))


@bp.get("/.well-known/oauth-authorization-server")
def server_metadata():
    return jsonify(server_metadata_document(public_base_url()))


# --- registration, token and revocation: Authlib's endpoints -------------------------------------


@bp.post("/oauth/register")
@csrf.exempt
@limiter.limit("20/minute")
def register():
    return server.registration_response()


@bp.post("/oauth/token")
@csrf.exempt
@limiter.limit("60/minute")
def token():
    return server.token_response()


@bp.post("/oauth/revoke")
@csrf.exempt
@limiter.limit("60/minute")
def revoke():
    return server.revocation_response()


# --- authorisation ----------------------------------------------------------------------------


def bad_request_page(error: OAuth2Error):
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


def consent_grant(params):
    """The validated request, or the response to an invalid one: an error page for a bad
    client or redirect URI, else the error sent to the redirect URI."""
    try:
        return server.consent_grant(params)
    except OAuth2Error as error:
        return server.authorization_error(error) if error.redirect_uri else bad_request_page(error)


@bp.get("/oauth/authorize")
@authorize_rate
def authorize():
    """The consent page (GET and HEAD): shows the request, never grants it."""
    grant = consent_grant(request.args)
    if not isinstance(grant, AuthorizationCodeGrant):
        return grant
    if not current_user.is_authenticated:
        return sign_in_redirect()
    page = make_response(
        render_template(
            "connections/consent.html",
            auth=grant,
            client=grant.client.row,
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
    grant = consent_grant(request.form)
    if not isinstance(grant, AuthorizationCodeGrant):
        return grant
    if not current_user.is_authenticated:
        return bad_request_page(OAuthError("access_denied", "sign in before you approve"))
    user_id = int(current_user.get_id()) if request.form.get("decision") == "approve" else None
    return server.create_authorization_response(grant.request, grant_user=user_id, grant=grant)


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
