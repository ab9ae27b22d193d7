"""The query layer's dataclasses as JSON, for the API and MCP: one pydantic TypeAdapter per type,
so both surfaces read a result's fields the same way, in declared order.

The two still write scalars as they always have: MCP's structuredContent as pydantic's JSON mode
does, the API as JSON values of its own (a float field holding a whole number stays a whole
number, a naive UTC timestamp gets its `Z`, a non-finite number is null).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import cache
from typing import Any

from pydantic import TypeAdapter


@cache
def adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


class Shape:
    """A result dataclass as an MCP tool's output schema and its structuredContent."""

    def __init__(self, cls: type) -> None:
        self.adapter = adapter(cls)
        self.schema = self.adapter.json_schema(mode="serialization")

    def dump(self, value: Any) -> dict[str, Any]:
        return self.adapter.dump_python(value, mode="json")


def api_json(value) -> Any:
    """A dataclass as the API's JSON-ready values, fields in declared order."""
    return _api_scalars(adapter(type(value)).dump_python(value))


def _api_scalars(value):
    """The API's JSON for what pydantic leaves as Python values."""
    if isinstance(value, dict):
        return {str(k): _api_scalars(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_api_scalars(v) for v in value]
    if isinstance(value, datetime):
        # stored timestamps are naive UTC (portal.accounts.now); say so, as RFC 3339 requires
        return value.isoformat() + ("Z" if value.tzinfo is None else "")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
