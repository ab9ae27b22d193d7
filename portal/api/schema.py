"""JSON Schema (OpenAPI 3.1 dialect) from dataclass type hints, and CSV rows of their values.

The API's responses are the query layer's dataclasses (or small API-side ones); the same
classes give the OpenAPI document its component schemas and (through portal.serialise) the
handlers their JSON, so the two cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime
from functools import cache

PRIMITIVES: dict[type, dict] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    datetime: {"type": "string", "format": "date-time"},
    date: {"type": "string", "format": "date"},
}


@cache
def field_types(cls: type) -> tuple[tuple[str, object, str | None], ...]:
    """(name, resolved type, description) for each dataclass field, in order."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, hints[f.name], f.metadata.get("description")) for f in dataclasses.fields(cls)
    )


class SchemaBuilder:
    """Collects component schemas while turning types into schemas that reference them."""

    def __init__(self) -> None:
        self.components: dict[str, dict] = {}

    def ref(self, cls: type) -> dict:
        name = cls.__name__
        if name not in self.components:
            self.components[name] = {}  # placeholder stops recursion
            properties, required = {}, []
            for field_name, hint, description in field_types(cls):
                schema = dict(self.schema(hint))
                if description:
                    schema = {**schema, "description": description}
                properties[field_name] = schema
                required.append(field_name)
            doc = (cls.__doc__ or "").strip()
            component = {"type": "object", "properties": properties, "required": required}
            component["additionalProperties"] = False
            if doc and not doc.startswith(f"{name}("):
                component["description"] = " ".join(doc.split())
            self.components[name] = component
        return {"$ref": f"#/components/schemas/{name}"}

    def schema(self, hint) -> dict:
        origin = typing.get_origin(hint)
        if origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(hint) if a is not type(None)]
            nullable = len(members) < len(typing.get_args(hint))
            inner = [self.schema(m) for m in members]
            if nullable and len(inner) == 1 and "type" in inner[0]:
                return {**inner[0], "type": [inner[0]["type"], "null"]}
            options = inner + ([{"type": "null"}] if nullable else [])
            return {"anyOf": options}
        if origin in (list, tuple):
            args = [a for a in typing.get_args(hint) if a is not Ellipsis]
            return {"type": "array", "items": self.schema(args[0]) if args else {}}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.schema(typing.get_args(hint)[1])}
        if dataclasses.is_dataclass(hint):
            return self.ref(hint)
        if hint in PRIMITIVES:
            return PRIMITIVES[hint]
        raise TypeError(f"no JSON schema for {hint!r}")


def flatten(value, prefix: str = "") -> dict:
    """One CSV row from a JSON-ready object: nested objects become `parent_child` columns."""
    row: dict = {}
    for key, item in value.items():
        name = f"{prefix}{key}"
        if isinstance(item, dict):
            row.update(flatten(item, f"{name}_"))
        elif isinstance(item, list):
            row[name] = ";".join("" if v is None else str(v) for v in item)
        else:
            row[name] = item
    return row
