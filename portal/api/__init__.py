"""The developer API at /api/v1: read-only JSON (and CSV), bearer keys, OpenAPI 3.1.

`bp` serves the routes of portal/api/resources.py through one view; `pages` serves the human
docs page (/api/) and key management (/api/keys). Register both with `init_app(app)`.
"""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, current_app, jsonify, request
from limits import parse as parse_limit
from werkzeug.exceptions import HTTPException

from portal import ratelimits
from portal.access import NotFoundOrDenied, can_read_public
from portal.api.audit import record_api_request
from portal.api.resources import ROUTES
from portal.api.routing import (
    API_PREFIX,
    ApiError,
    OpenApiDocument,
    Route,
    audit_details,
    error_response,
    not_found,
    run_route,
    timed,
)
from portal.api_keys import verify_key
from portal.extensions import csrf, db
from portal.models import User

log = logging.getLogger(__name__)

bp = Blueprint("api", __name__, url_prefix=API_PREFIX)
DEFAULT_RATE_LIMIT = "120/minute"
TITLE = "Haresign developer API"
VERSION = "1.0.0"
DESCRIPTION = (
    "Read-only figures about GP practices in England from NHS England publications. Every "
    "figure names its period, its source publication and whether it is synthetic. "
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
    """Authenticate, rate-limit, answer and audit one request."""
    elapsed = timed()
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
        _check_rate(key.id)
        response = answer(user)
    except NotFoundOrDenied:
        response = error_response(not_found())
    except ApiError as error:
        response = error_response(error)
    except Exception:  # never a stack trace; logged and audited as our fault
        log.exception("API error in %s", route.name if route else request.path)
        response = error_response(ApiError(500, "Something went wrong on our side."))
    codes, text_length = audit_details(route, path_args)
    record_api_request(
        key_id=key.id if key else None,
        user_id=key.user_id if key else None,
        route=route.path if route else "(unknown)",
        tool=route.name if route else None,
        ods_codes=codes,
        query_length=text_length,
        status=response.status_code,
        latency_ms=elapsed(),
    )
    return response


def _view(route: Route):
    def view(**path_args):
        return serve(route, path_args, lambda user: run_route(route, path_args, user))

    view.__name__ = route.name
    return view


for _route in ROUTES:
    bp.add_url_rule(_route.flask_rule, _route.name, _view(_route), methods=["GET"])


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document, generated from the route table (no key needed)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or request.host_url.rstrip("/")
    return jsonify(document().build(base + API_PREFIX))


@bp.route("/", defaults={"rest": ""}, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def fallback(rest: str):
    """Unknown addresses get the JSON 404; known ones used with another method a JSON 405."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _ = adapter.match(request.path, method="GET")
    except HTTPException:
        endpoint = None
    if endpoint and endpoint != "api.fallback" and request.method != "GET":
        return error_response(
            ApiError(405, "The API is read-only: use GET.", headers={"Allow": "GET, HEAD, OPTIONS"})
        )
    return error_response(not_found())


def init_app(app: Flask) -> None:
    from portal.api import pages

    csrf.exempt(bp)
    app.register_blueprint(bp)
    app.register_blueprint(pages.bp)
    limit = app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)
    if app.config.get("RATELIMIT_ENABLED", True) and limit:
        app.extensions["api_rate_limit"] = limit
