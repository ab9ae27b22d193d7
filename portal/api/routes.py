"""A route of the declarative table: its handler (a thin call into the query layer), its
parameters and its response dataclass."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from portal.api.params import FORMAT_CSV, FORMAT_JSON, PAGE, PAGE_SIZE, Param

API_PREFIX = "/api/v1"


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
