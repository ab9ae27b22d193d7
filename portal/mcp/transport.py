"""The MCP endpoint `/mcp/`: Streamable HTTP, stateless, JSON responses (DESIGN.md §8).

One JSON-RPC message per POST, validated and serialised with `mcp.types`. Checks, in order:
method (OPTIONS → the CORS preflight: 204 for an allowed Origin, else 403; GET/DELETE → 405),
Origin (→ 403), bearer token with audience and revocation (→ 401),
per-connection rate limit (→ 429), Accept (→ 406), Content-Type (→ 415), body size (→ 413),
body (→ 400: parse error, invalid request, id of the wrong type), then a 2026-07-28 request goes
to portal/mcp/modern.py; for the 2025 era, MCP-Protocol-Version (→ 400) and params (→ -32602,
control characters included). Every response to an allowed browser Origin
carries CORS headers, errors and 401s included. Every request under /mcp, the refused ones
too (unknown addresses, other methods, control characters in the address, preflights), leaves
one audit row (portal/mcp/audit.py).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlsplit

import mcp_types as types  # the wire types alone, without the SDK's client and server
from flask import Blueprint, Flask, Response, current_app, g, request, url_for
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from portal.audit import known_name
from portal.blueprints.errors import register_json_surface
from portal.extensions import csrf, limiter
from portal.links import public_base_url
from portal.mcp import audit, methods, modern, ratelimit
from portal.mcp.auth import TokenInfo, check_request
from portal.mcp.responses import jsonrpc_error, result_response
from portal.mcp.versions import DEFAULT_VERSION, EVERY_VERSION, SUPPORTED_VERSIONS

log = logging.getLogger(__name__)

bp = Blueprint("mcp", __name__)
csrf.exempt(bp)


@limiter.request_filter
def _own_rate_limit() -> bool:
    """Flask-Limiter's hooks skip /mcp/: it has its own per-connection limit (ratelimit.py)."""
    return request.blueprint == bp.name


NOTIFICATIONS = (
    "notifications/initialized",
    "notifications/cancelled",
    "notifications/progress",
    "notifications/roots/list_changed",
)
KNOWN_METHODS = frozenset(methods.HANDLERS) | frozenset(modern.HANDLERS) | frozenset(NOTIFICATIONS)
ABOUT_PREFIX = "/mcp/about"  # the AI Connections pages (HTML), not the endpoint
CARD_PATH = "/mcp/server-card"  # the public server card (portal/mcp/card.py), not the endpoint


def owns(path: str) -> bool:
    """Paths whose errors answer as JSON-RPC and leave an audit row: /mcp, /mcp/ and below."""
    if path in (CARD_PATH, ABOUT_PREFIX) or path.startswith(ABOUT_PREFIX + "/"):
        return False
    return path in ("/mcp", "/mcp/") or path.startswith("/mcp/")


def _origin_allowed(origin: str | None) -> bool:
    """No Origin (a server-side client) is fine; a browser's must be ours or configured."""
    return origin is None or _allowed_origin(origin) is not None


def _allowed_origin(origin: str) -> str | None:
    """The browser origin as CORS echoes it, when it is PUBLIC_BASE_URL's or configured."""
    allowed = {_origin_of(o) for o in current_app.config.get("MCP_ALLOWED_ORIGINS", ())}
    allowed.add(_origin_of(public_base_url()))  # from PUBLIC_BASE_URL, never the Host header
    asked = _origin_of(origin)
    return asked if asked in allowed else None


def _origin_of(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{parts.scheme}://{parts.netloc}".lower()


def _accepts_json() -> bool:
    header = request.headers.get("Accept")
    if not header:
        return False
    return request.accept_mimetypes["application/json"] > 0


ENDPOINT_METHODS = ("POST", "GET", "DELETE", "OPTIONS")  # GET and DELETE answer 405
CORS_ALLOW_HEADERS = (
    "Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID, "
    "Mcp-Method, Mcp-Name"  # the last two: what every 2026-07-28 request carries
)
CORS_EXPOSE_HEADERS = "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version"
CORS_MAX_AGE = 600  # seconds a browser may reuse a preflight's answer


@bp.route("/mcp", methods=ENDPOINT_METHODS, strict_slashes=True, endpoint="endpoint")
@bp.route("/mcp/", methods=ENDPOINT_METHODS, strict_slashes=True, endpoint="endpoint")
def endpoint():
    if request.method == "OPTIONS":
        return _preflight(_record())
    if request.method != "POST":
        return _method_not_allowed()
    return _handle_post(_record())


def _preflight(record: audit.Record) -> Response:
    """A browser's CORS preflight: no token, no tool; allowed origins only (the actual request's
    headers come from `_cors_headers`). Without an Origin it is a plain OPTIONS."""
    record.method = audit.PREFLIGHT
    origin = request.headers.get("Origin")
    response = Response(status=204)
    if origin is not None:
        if _allowed_origin(origin) is None:
            record.outcome = "invalid"
            return jsonrpc_error(403, types.INVALID_REQUEST, "Forbidden: Origin not allowed")
        response.headers["Access-Control-Allow-Methods"] = ", ".join(ENDPOINT_METHODS)
        response.headers["Access-Control-Allow-Headers"] = CORS_ALLOW_HEADERS
        response.headers["Access-Control-Max-Age"] = str(CORS_MAX_AGE)
    response.headers["Allow"] = "POST, OPTIONS"  # what runs; GET and DELETE only answer 405
    record.outcome = "ok"
    return response


def _record() -> audit.Record:
    if "mcp_audit" not in g:
        g.mcp_audit = audit.Record()
    return g.mcp_audit


@bp.before_app_request
def _start_record() -> None:
    if owns(request.path):
        _record()


@bp.after_app_request
def _write_audit_row(response: Response) -> Response:
    if owns(request.path):
        _record().finish(response.status_code)
    return response


@bp.after_app_request
def _cors_headers(response: Response) -> Response:
    """Browsers may read our answers (401s and errors too) from allowed origins only."""
    if not owns(request.path):
        return response
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    allowed = _allowed_origin(origin) if origin is not None else None
    if allowed is not None:
        response.headers["Access-Control-Allow-Origin"] = allowed
        response.headers["Access-Control-Expose-Headers"] = CORS_EXPOSE_HEADERS
    return response


def _error_outside_endpoint(error: HTTPException) -> Response:
    """JSON-RPC errors for what is refused before or around the endpoint: control characters in
    the address, unknown addresses under /mcp/, other HTTP methods, our own failures."""
    status = error.code or 500
    if status == 405:
        return _method_not_allowed()
    if status == 404:
        return jsonrpc_error(404, types.INVALID_REQUEST, "Not found: the MCP endpoint is /mcp/")
    if status >= 500:
        return jsonrpc_error(500, types.INTERNAL_ERROR, "Internal error")
    return jsonrpc_error(status, types.INVALID_REQUEST, error.description or error.name)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_json_surface(app, owns, _error_outside_endpoint)


def _method_not_allowed() -> Response:
    """Stateless: no GET stream, no session to DELETE. A browser gets a page pointing to the
    AI Connections page; a client gets JSON."""
    about = _about_url()
    if request.method == "GET" and request.accept_mimetypes.accept_html:
        html = (
            "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<title>MCP endpoint</title></head><body><main><h1>This is an MCP endpoint</h1>"
            "<p>It answers AI assistants (MCP clients) with POST requests; it is not a web "
            f"page. To connect an assistant, see <a href='{about}'>AI Connections</a>.</p>"
            "</main></body></html>"
        )
        response = Response(html, status=405, mimetype="text/html")
    else:
        response = jsonrpc_error(
            405, types.INVALID_REQUEST, f"Method not allowed: POST JSON-RPC messages. See {about}"
        )
    response.headers["Allow"] = "POST"
    response.headers["Link"] = f'<{about}>; rel="help"'
    return response


def _about_url() -> str:
    try:
        return url_for("connections.about")
    except Exception:  # the AI Connections page is registered by portal.connections
        return "/mcp/about/"


def _handle_post(record: audit.Record) -> Response:
    if not _origin_allowed(request.headers.get("Origin")):
        record.outcome = "invalid"
        return jsonrpc_error(403, types.INVALID_REQUEST, "Forbidden: Origin not allowed")

    token = check_request()
    if not isinstance(token, TokenInfo):
        record.outcome = "unauthorised"
        return token
    record.user_id, record.connection_id, record.client_id = (
        token.user_id,
        token.connection_id,
        token.client_id,
    )

    retry_after = ratelimit.hit(token.connection_id)
    if retry_after is not None:
        record.outcome = "rate_limited"
        response = jsonrpc_error(429, types.INVALID_REQUEST, "Too many requests")
        response.headers["Retry-After"] = str(retry_after)
        return response

    if not _accepts_json():
        record.outcome = "invalid"
        return jsonrpc_error(406, types.INVALID_REQUEST, "Not Acceptable: accept application/json")
    if request.mimetype != "application/json":
        record.outcome = "invalid"
        return jsonrpc_error(
            415, types.INVALID_REQUEST, "Unsupported Media Type: send application/json"
        )

    try:
        payload = json.loads(request.get_data(cache=False) or b"")
    except RequestEntityTooLarge:
        record.outcome = "invalid"
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        return jsonrpc_error(
            413, types.INVALID_REQUEST, f"Request too large: send at most {limit} bytes"
        )
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        record.outcome = "invalid"
        return jsonrpc_error(400, types.PARSE_ERROR, "Parse error: the body is not JSON")
    if isinstance(payload, list):
        record.outcome = "invalid"
        return jsonrpc_error(
            400, types.INVALID_REQUEST, "Batches are not supported: send one JSON-RPC message"
        )
    if not isinstance(payload, dict):
        record.outcome = "invalid"
        return jsonrpc_error(400, types.INVALID_REQUEST, "Invalid JSON-RPC message: not an object")
    request_id = payload.get("id")
    if "method" in payload and "id" in payload and not _valid_id(request_id):
        record.outcome = "invalid"
        return jsonrpc_error(
            400, types.INVALID_REQUEST, "Invalid JSON-RPC message: id must be a string or integer"
        )
    try:
        message = types.jsonrpc_message_adapter.validate_python(payload)
    except ValidationError:
        record.outcome = "invalid"
        request_id = request_id if _valid_id(request_id) else None
        return jsonrpc_error(400, types.INVALID_REQUEST, "Invalid JSON-RPC message", request_id)

    if not isinstance(message, types.JSONRPCRequest):
        # Notifications (e.g. notifications/initialized) and responses: accepted, no body.
        method = getattr(message, "method", None)
        record.method = (
            "(response)"
            if method is None
            else known_name(method, KNOWN_METHODS, audit.UNKNOWN_METHOD)
        )
        record.outcome = "ok"
        return Response(status=202)

    record.method = known_name(message.method, KNOWN_METHODS, audit.UNKNOWN_METHOD)
    if modern.selects(message, request.headers):
        return modern.serve(message, payload, token, record)
    handler = methods.HANDLERS.get(message.method)
    if handler is None:  # includes server/discover, so newer clients fall back to initialize
        record.outcome = "invalid"
        return jsonrpc_error(
            200, types.METHOD_NOT_FOUND, f"Method not found: {message.method}", message.id
        )

    version = request.headers.get("MCP-Protocol-Version")
    if message.method == "initialize":
        version = None
    elif version is None:
        version = DEFAULT_VERSION
    elif version not in SUPPORTED_VERSIONS:
        record.outcome = "invalid"
        return jsonrpc_error(
            400,
            types.UNSUPPORTED_PROTOCOL_VERSION,
            f"Unsupported MCP-Protocol-Version: {version[:40]}",
            message.id,
            {"supported": list(EVERY_VERSION), "requested": version[:40]},
        )
    try:
        result = methods.run(message, handler, version, token, record)
    except methods.RpcError as error:
        return jsonrpc_error(200, error.code, error.message, message.id, error.data)
    return result_response(message.id, result)


def _valid_id(value: Any) -> bool:
    """MCP: a request id is a string or an integer (not null, a fraction, a bool, a list)."""
    return isinstance(value, str | int) and not isinstance(value, bool)
