"""The developer API at /api/v1: read-only JSON (and CSV), bearer keys, OpenAPI 3.1.

`bp` serves the routes of portal/api/resources.py through one view (portal/api/responses.py); `pages` serves the human
docs page (/api/) and key management (/api/keys). Register both with `init_app(app)`.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from limits import parse as parse_limit
from werkzeug.exceptions import HTTPException

from portal import ratelimits
from portal.access import NOT_FOUND_OR_DENIED, NotFoundOrDenied, can_read_public
from portal.api.audit import Entry, audit_details
from portal.api.errors import ApiError, error_response, not_found
from portal.api.openapi import OpenApiDocument
from portal.api.resources import ROUTES
from portal.api.responses import run_route
from portal.api.routes import API_PREFIX, Route
from portal.api_keys import verify_key
from portal.blueprints.errors import register_json_surface
from portal.extensions import csrf, db
from portal.links import public_base_url
from portal.models import User

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
DEFAULT_RATE_LIMIT = "120/minute"
TITLE = "Haresign developer API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Read-only figures about GP practices in England from NHS England publications. Every "
    "figure names its period, its source publication, whether it is synthetic and its "
    "`coverage` (practices included of England's open practices; null when the publication has "
    "no coverage table and the files loaded cover England). "
    "Authenticate with `Authorization: Bearer <key>` (create keys on /api/keys). "
    "Lists are paginated (`page`, `page_size` up to 500) and come as "
    "`{count, next, previous, results}`, or as CSV with `format=csv`."
)


def document() -> OpenApiDocument:
    return OpenApiDocument(TITLE, VERSION, DESCRIPTION, ROUTES)


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _check_rate(key_id: int) -> None:
    limit = current_app.extensions.get("api_rate_limit")
    if limit is None:
        return
    retry = ratelimits.retry_after("api-key", str(key_id), limit)
    if retry is not None:
        raise ApiError(
            429,
            f"Too many requests for this key: at most {parse_limit(limit)}. "
            f"Try again in {retry} seconds.",
            headers={"Retry-After": str(retry)},
        )


def serve(route: Route | None, path_args: dict, answer) -> object:
    """Authenticate, rate-limit and answer one request; what the audit row may keep goes to
    the request's audit entry (written by `_write_audit_row`)."""
    entry = _entry()
    key = None
    try:
        key = verify_key(_bearer())
        user = db.session.get(User, key.user_id) if key else None
        if not can_read_public(user, "api"):  # the one access policy: a key with an owner
            raise ApiError(
                401,
                "Give a valid API key: Authorization: Bearer <key>. Keys are made on /api/keys.",
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        entry.key_id, entry.user_id = key.id, key.user_id
        _check_rate(key.id)
        response = answer(user)
    except NotFoundOrDenied:
        response = error_response(not_found())
    except ApiError as error:
        response = error_response(error)
    except Exception:  # never a stack trace; logged and audited as our fault
        db.session.rollback()
        log.exception("API error in %s", route.name if route else "an unknown route")
        response = error_response(ApiError(500, "Something went wrong on our side."))
    if route is not None:
        entry.route, entry.tool = route.path, route.name
    entry.ods_codes, entry.query_length = audit_details(route, path_args)
    return response


def owns(path: str) -> bool:
    return path == API_PREFIX or path.startswith(API_PREFIX + "/")


def _entry() -> Entry:
    if "api_audit" not in g:
        g.api_audit = Entry()
    return g.api_audit


@bp.before_app_request
def _start_audit_entry() -> None:
    """The clock starts, and the route is named even if the request is refused before its view."""
    if owns(request.path):
        entry = _entry()
        route = ROUTES_BY_ENDPOINT.get(request.endpoint)
        if route is not None:
            entry.route, entry.tool = route.path, route.name


@bp.after_app_request
def _write_audit_row(response: Response) -> Response:
    """Every request under /api/v1 leaves one row, whether its view ran or it was refused
    before (control characters, unknown method, oversized body, our own failure)."""
    if owns(request.path):
        _entry().write(request.method, response.status_code)
    return response


READ_ONLY = "The API is read-only: use GET."
ERROR_MESSAGES = {
    404: NOT_FOUND_OR_DENIED,
    405: READ_ONLY,
    413: "The request is too large.",
    500: "Something went wrong on our side.",
}


def _error_outside_view(error: HTTPException) -> Response:
    """The JSON error body for what is refused before or around the views."""
    status = error.code or 500
    field = getattr(error, "field", None)
    message = ERROR_MESSAGES.get(status, error.description)
    headers = {"Allow": "GET, HEAD, OPTIONS"} if status == 405 else None
    return error_response(ApiError(status, message, field, headers=headers))


def _view(route: Route):
    def view(**path_args):
        return serve(route, path_args, lambda user: run_route(route, path_args, user))

    view.__name__ = route.name
    return view


ROUTES_BY_ENDPOINT = {f"{bp.name}.{r.name}": r for r in ROUTES}
for _route in ROUTES:
    bp.add_url_rule(_route.flask_rule, _route.name, _view(_route), methods=["GET"])


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the route table (no key needed)."""
    entry = _entry()
    entry.route, entry.tool = "/openapi.json", "openapi"
    return jsonify(document().build(public_base_url() + API_PREFIX))


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def fallback(rest: str):
    """Unknown addresses get the JSON 404, known ones used with another method a JSON 405: both
    after the key is checked, as on every route."""
    endpoint = _get_endpoint_at(request.path)
    if endpoint == f"{bp.name}.{openapi.__name__}":  # the public document needs no key
        return error_response(ApiError(405, READ_ONLY, headers={"Allow": "GET, HEAD, OPTIONS"}))
    route = ROUTES_BY_ENDPOINT.get(endpoint)

    def answer(_user):
        if route is None:
            raise not_found()
        raise ApiError(405, READ_ONLY, headers={"Allow": "GET, HEAD, OPTIONS"})

    return serve(route, {}, answer)


def _get_endpoint_at(path: str) -> str | None:
    """The endpoint a GET to this address would run, if any."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(path, method="GET")
    except HTTPException:
        return None
    return endpoint


def init_app(app: Flask) -> None:
    from portal.api import pages

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(pages.bp)
    register_json_surface(app, owns, _error_outside_view)
    limit = app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    if app.config.get("RATELIMIT_ENABLED", True) and limit:
        app.extensions["api_rate_limit"] = limit
