"""The declarative route table's machinery: parameters, routes, the view every route shares,
and the OpenAPI 3.1 document built from the same definitions.

A Route names its handler (a thin call into the query layer), its parameters (each with the
parser the view uses and the JSON schema the document shows) and its response dataclass. The
view parses, calls, paginates and renders JSON or CSV (portal/api/__init__.py authenticates,
rate-limits and audits); the document is generated from the same objects, so it cannot drift.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import Response, jsonify, request

from portal.access import NOT_FOUND_OR_DENIED, NotFoundOrDenied
from portal.api.schema import SchemaBuilder, field_types, flatten, to_json
from portal.csv_export import csv_text
from portal.links import public_base_url

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100
ODS_SHAPE = re.compile(r"[A-Z0-9]{2,10}")  # what the audit keeps of a code parameter


class ApiError(Exception):
    """An answer other than 200: status, message, and the parameter at fault if any."""

    def __init__(self, status: int, message: str, parameter: str | None = None, headers=None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter
        self.headers = headers or {}


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND_OR_DENIED)


@dataclass(frozen=True)
class ErrorBody:
    """Every non-200 answer: the HTTP status, a message fit to show, the parameter at fault."""

    status: int
    message: str
    parameter: str | None


@dataclass(frozen=True)
class Param:
    """One path or query parameter: its JSON schema, and the parser the view calls.

    `parse` gets the raw string and returns the value passed to the handler, or raises
    ValueError with a message (the view answers 400 naming the parameter).
    """

    name: str
    description: str
    schema: dict | Callable[[], dict]
    parse: Callable[[str], object] = str
    required: bool = False
    location: str = "query"
    ods: bool = False  # an organisation or practice code: recorded in the audit row
    free_text: bool = False  # recorded in the audit row as its length only

    def json_schema(self) -> dict:
        return self.schema() if callable(self.schema) else self.schema


@dataclass(frozen=True)
class Route:
    path: str  # OpenAPI style, under /api/v1: /practices/{code}
    name: str  # operationId and endpoint name
    tag: str
    summary: str
    handler: Callable[..., object]
    response: type
    params: tuple[Param, ...] = ()
    paginated: bool = False  # handler(offset=, limit=, ...) returns (count, items)
    description: str = ""
    one_of_required: tuple[str, ...] = ()  # large national queries: at least one of these
    may_not_find: bool = False

    @property
    def flask_rule(self) -> str:
        return re.sub(r"{(\w+)}", r"<\1>", self.path)

    @property
    def all_params(self) -> tuple[Param, ...]:
        extra = (PAGE, PAGE_SIZE, FORMAT_CSV) if self.paginated else (FORMAT_JSON,)
        return self.params + extra


def parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,6}", text.strip()):
            raise ValueError(f"must be a whole number from {low} to {high}")
        value = int(text)
        if not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value

    return parse


def parse_choice(choices: Callable[[], list[str]] | list[str]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        options = choices() if callable(choices) else choices
        if text not in options:
            raise ValueError("must be one of " + ", ".join(options))
        return text

    return parse


PAGE = Param(
    "page",
    "Page number, from 1.",
    {"type": "integer", "minimum": 1, "maximum": 999999, "default": 1},
    parse_int(1, 999999),
)
PAGE_SIZE = Param(
    "page_size",
    f"Results per page, at most {MAX_PAGE_SIZE}.",
    {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    parse_int(1, MAX_PAGE_SIZE),
)
FORMAT_CSV = Param(
    "format",
    "`json` (the default) or `csv`: the results as a CSV table, one row per result.",
    {"type": "string", "enum": ["json", "csv"], "default": "json"},
    parse_choice(["json", "csv"]),
)
FORMAT_JSON = Param(
    "format",
    "Only `json`: this endpoint returns one object, not a table.",
    {"type": "string", "enum": ["json"], "default": "json"},
    parse_choice(["json"]),
)


def parse_arguments(route: Route, path_args: dict) -> dict:
    """The handler's keyword arguments from the path and query string; ApiError(400) naming the
    first bad parameter."""
    known = {p.name for p in route.all_params if p.location == "query"}
    for name in request.args:
        if name not in known:
            raise ApiError(
                400,
                f"unknown parameter {name!r}; this endpoint accepts: " + ", ".join(sorted(known)),
                name,
            )
    values: dict = {}
    for param in route.all_params:
        if param.location == "path":
            raw = path_args.get(param.name)
        else:
            given = request.args.getlist(param.name)
            if len(given) > 1:
                raise ApiError(400, f"{param.name}: give this parameter once", param.name)
            raw = given[0] if given else None
            if raw is not None and raw.strip() == "":
                raise ApiError(400, f"{param.name}: must not be empty", param.name)
        if raw is None:
            if param.required:
                raise ApiError(400, f"{param.name}: this parameter is required", param.name)
            continue
        try:
            values[param.name] = param.parse(raw)
        except NotFoundOrDenied:
            raise
        except ValueError as exc:
            if param.location == "path":
                raise not_found() from None
            raise ApiError(400, f"{param.name}: {exc}", param.name) from None
    if route.one_of_required and not any(values.get(n) for n in route.one_of_required):
        raise ApiError(
            400,
            "this is a national query: give at least one of " + ", ".join(route.one_of_required),
            route.one_of_required[0],
        )
    return values


def page_links(page: int, page_size: int, count: int) -> tuple[str | None, str | None]:
    base = public_base_url() + request.path

    def link(number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return f"{base}?{urlencode(args)}"

    last = max(1, -(-count // page_size))
    following = link(page + 1) if page < last else None
    before = link(min(page - 1, last)) if page > 1 else None
    return following, before


def csv_columns(cls: type, prefix: str = "") -> list[str]:
    columns = []
    for name, hint, _ in field_types(cls):
        inner = [a for a in getattr(hint, "__args__", ()) if a is not type(None)]
        target = hint if dataclasses.is_dataclass(hint) else (inner[0] if len(inner) == 1 else None)
        if target is not None and dataclasses.is_dataclass(target) and not _is_list(hint):
            columns += csv_columns(target, f"{prefix}{name}_")
        else:
            columns.append(f"{prefix}{name}")
    return columns


def _is_list(hint) -> bool:
    return getattr(hint, "__origin__", None) in (list, tuple)


def csv_response(route: Route, items: list) -> Response:
    text = csv_text((flatten(to_json(item)) for item in items), csv_columns(route.response))
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{route.name}.csv"'
    return response


def run_route(route: Route, path_args: dict, user) -> Response:
    """Parse, call and render one route for this user (authentication and audit are the
    caller's)."""
    values = parse_arguments(route, path_args)
    values["user"] = user
    fmt = values.pop("format", "json")
    if route.paginated:
        page = values.pop("page", 1)
        page_size = values.pop("page_size", DEFAULT_PAGE_SIZE)
        count, items = route.handler(offset=(page - 1) * page_size, limit=page_size, **values)
        if fmt == "csv":
            return csv_response(route, items)
        following, before = page_links(page, page_size, count)
        return jsonify(
            count=count, next=following, previous=before, results=[to_json(i) for i in items]
        )
    result = route.handler(**values)
    if result is None:
        raise not_found()
    return jsonify(to_json(result))


def error_response(error: ApiError) -> Response:
    response = jsonify(to_json(ErrorBody(error.status, error.message, error.parameter)))
    response.status_code = error.status
    for key, value in error.headers.items():
        response.headers[key] = value
    return response


def audit_details(route: Route | None, path_args: dict) -> tuple[list[str], int | None]:
    """The codes a request named and the length of any free text: what the audit may keep."""
    if route is None:
        return [], None
    codes, text_length = [], None
    for param in route.all_params:
        raw = (
            path_args.get(param.name) if param.location == "path" else request.args.get(param.name)
        )
        if raw is None:
            continue
        if param.ods and ODS_SHAPE.fullmatch(raw.strip().upper()):
            codes.append(raw.strip().upper())
        if param.free_text:
            text_length = len(raw)
    return codes, text_length


# --- the OpenAPI document -------------------------------------------------------------------


@dataclass
class OpenApiDocument:
    title: str
    version: str
    description: str
    routes: list[Route]
    builder: SchemaBuilder = field(default_factory=SchemaBuilder)

    def build(self, server_url: str) -> dict:
        paths: dict = {}
        for route in self.routes:
            paths.setdefault(route.path, {})["get"] = self.operation(route)
        error = self.builder.ref(ErrorBody)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": server_url}],
            "security": [{"apiKey": []}],
            "paths": paths,
            "components": {
                "schemas": dict(sorted(self.builder.components.items())),
                "securitySchemes": {
                    "apiKey": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API key from your profile: `Authorization: Bearer hsk_…`",
                    }
                },
                "responses": {
                    "BadRequest": self.error_response(
                        "A parameter is missing or invalid; `parameter` names it.", error
                    ),
                    "Unauthorised": self.error_response(
                        "No API key, or a revoked or unknown one.", error
                    ),
                    "NotFound": self.error_response(
                        "Not found or access denied (the same answer for both).", error
                    ),
                    "TooManyRequests": {
                        **self.error_response("Too many requests for this key.", error),
                        "headers": {
                            "Retry-After": {
                                "description": "Seconds to wait before trying again.",
                                "schema": {"type": "integer"},
                            }
                        },
                    },
                },
            },
        }

    @staticmethod
    def error_response(description: str, schema: dict) -> dict:
        return {"description": description, "content": {"application/json": {"schema": schema}}}

    def operation(self, route: Route) -> dict:
        item = self.builder.ref(route.response)
        if route.paginated:
            body = {
                "type": "object",
                "properties": {
                    "count": {"type": "integer", "description": "Results over all pages."},
                    "next": {"type": ["string", "null"], "description": "The next page's URL."},
                    "previous": {
                        "type": ["string", "null"],
                        "description": "The previous page's URL.",
                    },
                    "results": {"type": "array", "items": item},
                },
                "required": ["count", "next", "previous", "results"],
                "additionalProperties": False,
            }
            content = {
                "application/json": {"schema": body},
                "text/csv": {"schema": {"type": "string"}},
            }
            ok = "OK. With format=csv, a table with the columns " + ", ".join(
                csv_columns(route.response)
            )
        else:
            content, ok = {"application/json": {"schema": item}}, "OK"
        responses = {
            "200": {"description": ok, "content": content},
            "400": {"$ref": "#/components/responses/BadRequest"},
            "401": {"$ref": "#/components/responses/Unauthorised"},
            "429": {"$ref": "#/components/responses/TooManyRequests"},
        }
        if route.may_not_find:
            responses["404"] = {"$ref": "#/components/responses/NotFound"}
        description = route.description
        if route.one_of_required:
            description += (
                "\n\nA national query: give at least one of "
                + ", ".join(f"`{n}`" for n in route.one_of_required)
                + "."
            )
        return {
            "operationId": route.name,
            "tags": [route.tag],
            "summary": route.summary,
            "description": description.strip(),
            "parameters": [
                {
                    "name": p.name,
                    "in": p.location,
                    "required": p.required or p.location == "path",
                    "description": p.description,
                    "schema": p.json_schema(),
                }
                for p in route.all_params
            ],
            "responses": responses,
        }
