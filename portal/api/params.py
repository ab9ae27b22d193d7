"""Path and query parameters: each with the parser the view calls and the JSON schema the
document shows, the paging and format parameters every route takes, and the parsing of a
request's arguments for a route."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import request

from portal.access import NotFoundOrDenied
from portal.api.errors import ApiError, not_found

if TYPE_CHECKING:
    from portal.api.routes import Route

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


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
