"""Check tool arguments against a tool's input schema, with messages an assistant can act on.

Covers the JSON Schema subset our tools use: object with properties, required and
additionalProperties; string (maxLength, enum), integer (minimum, maximum), boolean, array
(items, minItems, maxItems); and no control characters in any string (NUL cannot reach
PostgreSQL). Semantic checks (ODS code shape, known metric) live in the tools.
"""

from __future__ import annotations

from typing import Any

from portal.control_characters import find_in_json
from portal.mcp.registry import ToolError

TYPES = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "array": list,
    "object": dict,
}


def check_arguments(schema: dict[str, Any], arguments: Any) -> None:
    if not isinstance(arguments, dict):
        raise ToolError("Arguments must be an object")
    where = find_in_json(arguments)
    if where is not None:
        raise ToolError(f"Argument '{where[:40]}' must not contain control characters")
    properties = schema.get("properties", {})
    for name in schema.get("required", ()):
        if arguments.get(name) is None:
            raise ToolError(f"Missing required argument '{name}'")
    if schema.get("additionalProperties") is False:
        unknown = sorted(set(arguments) - set(properties))
        if unknown:
            known = ", ".join(properties) or "none"
            raise ToolError(f"Unknown argument '{unknown[0][:40]}' (this tool takes: {known})")
    for name, value in arguments.items():
        if name in properties and value is not None:
            _check(name, properties[name], value)


def _check(name: str, schema: dict[str, Any], value: Any) -> None:
    kind = schema.get("type")
    expected = TYPES.get(kind)
    if expected is not None and (
        not isinstance(value, expected) or (isinstance(value, bool) and kind != "boolean")
    ):
        article = "an" if kind[0] in "aeiou" else "a"
        raise ToolError(f"Argument '{name}' must be {article} {kind}")
    if kind == "string":
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            raise ToolError(f"Argument '{name}' must be {schema['maxLength']} characters or fewer")
        if "enum" in schema and value not in schema["enum"]:
            options = ", ".join(schema["enum"])
            raise ToolError(f"Argument '{name}' must be one of: {options}")
    if kind == "integer":
        low, high = schema.get("minimum"), schema.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            raise ToolError(f"Argument '{name}' must be between {low} and {high}, not {value}")
    if kind == "array":
        low, high = schema.get("minItems"), schema.get("maxItems")
        if low is not None and len(value) < low:
            raise ToolError(f"Argument '{name}' needs at least {low} item(s)")
        if high is not None and len(value) > high:
            raise ToolError(f"Argument '{name}' takes at most {high} items, not {len(value)}")
        for item in value:
            _check(name, schema.get("items", {}), item)
