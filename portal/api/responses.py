"""The view every route shares: parse, call, paginate, and answer in JSON or CSV (portal/api/
__init__.py authenticates, rate-limits and audits)."""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

from flask import Response, jsonify, request

from portal.api.errors import not_found
from portal.api.params import DEFAULT_PAGE_SIZE, parse_arguments
from portal.api.routes import Route
from portal.api.schema import field_types, flatten
from portal.csv_export import csv_text
from portal.links import public_base_url
from portal.serialise import api_json


def page_of(items: list, offset: int, limit: int) -> tuple[int, list]:
    """A handler's (count, page) from a list it holds whole."""
    return len(items), items[offset : offset + limit]


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
    text = csv_text((flatten(api_json(item)) for item in items), csv_columns(route.response))
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
            count=count, next=following, previous=before, results=[api_json(i) for i in items]
        )
    result = route.handler(**values)
    if result is None:
        raise not_found()
    return jsonify(api_json(result))
