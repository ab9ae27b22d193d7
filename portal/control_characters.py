"""Control characters in a request are refused with a 400 naming the field: PostgreSQL cannot
store NUL in text, and no field of ours means anything by the other C0 characters or DEL.

Addresses and query strings take none; form fields and JSON strings may hold tab, LF and CR
(a note typed over several lines). The OAuth server answers in its own format, so it is left to
check its own requests (portal/connections)."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from werkzeug.exceptions import BadRequest

IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")
IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
OWN_FORMAT_PREFIXES = ("/oauth/", "/.well-known/")
MAX_NAME_SHOWN = 40


class ControlCharacters(BadRequest):
    """A 400 whose description names the field at fault (`field`: None for the address or a
    parameter's name)."""

    def __init__(self, field: str | None, where: str = "the address"):
        self.field, self.where = field, field or where
        super().__init__(f"{self.where}: must not contain control characters")


def refuse_in_request() -> None:
    """A before_request hook: raise ControlCharacters for the first field holding any."""
    if request.path.startswith(OWN_FORMAT_PREFIXES):
        return
    if IN_ADDRESS.search(request.path):
        raise ControlCharacters(None)
    _check_fields(request.args.items(multi=True), IN_ADDRESS)
    if request.mimetype in FORM_TYPES:  # never reads a JSON body: its endpoint does
        _check_fields(request.form.items(multi=True), IN_TEXT)


def _check_fields(items, pattern: re.Pattern) -> None:
    for name, value in items:
        if IN_ADDRESS.search(name):
            raise ControlCharacters(None, "parameter names")
        if pattern.search(value):
            raise ControlCharacters(name[:MAX_NAME_SHOWN])


def find_in_json(value: Any, where: str = "") -> str | None:
    """Where a string (a key or a value) holding control characters sits in a parsed JSON value,
    as a dotted path such as `arguments.query` (at most 100 characters), or None."""
    pending = [(where, value)]
    while pending:
        path, item = pending.pop()
        if isinstance(item, str):
            if IN_TEXT.search(item):
                return (path or "the value")[:100]
        elif isinstance(item, dict):
            for key, inner in item.items():
                inner_path = f"{path}.{key}" if path else str(key)
                if IN_TEXT.search(key):
                    return (path or "a key")[:100]
                pending.append((inner_path, inner))
        elif isinstance(item, list):
            pending.extend((f"{path}.{i}" if path else str(i), v) for i, v in enumerate(item))
    return None
