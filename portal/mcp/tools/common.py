"""What the tools share: typed arguments and their schemas, argument checks, output shapes, and
the text rendering."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from portal import access
from portal.catalogue import METRICS, Metric
from portal.mcp.registry import Schema, Text, ToolContext, ToolError, ToolOutput, ToolSpec
from portal.queries.practices import PracticeDetails, normalise_code
from portal.serialise import Shape as Shape  # the tools' output shapes, shared with the API

MAX_MONTHS = 36
DEFAULT_MONTHS = 12
MAX_PRACTICES = 10
MAX_METRICS = 20


@dataclass(frozen=True)
class Arg:
    """An argument's description and limits, as `Annotated` metadata (the MCP SDK's way of
    deriving a tool's input schema from its signature): the JSON Schema keywords
    portal.mcp.validation checks."""

    description: str
    max_length: int | None = None
    pattern: str | None = None
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    maximum: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    item_max_length: int | None = None  # for a list of strings


JSON_TYPES = {str: "string", int: "integer"}


def property_schema(annotation: Any) -> dict[str, Any]:
    """`Annotated[str | int | list[str], Arg(...)]`, or that `| None`, as its JSON Schema
    property (null is the same as absent)."""
    if typing.get_origin(annotation) is not Annotated:
        (annotation,) = (a for a in typing.get_args(annotation) if a is not type(None))
    kind, arg = typing.get_args(annotation)
    if typing.get_origin(kind) is list:
        (item,) = typing.get_args(kind)
        items: dict[str, Any] = {"type": JSON_TYPES[item]}
        if arg.item_max_length is not None:
            items["maxLength"] = arg.item_max_length
        schema: dict[str, Any] = {"type": "array", "items": items}
    else:
        schema = {"type": JSON_TYPES[kind]}
    keywords = {
        "minItems": arg.min_items,
        "maxItems": arg.max_items,
        "maxLength": arg.max_length,
        "pattern": arg.pattern,
        "enum": list(arg.enum) if arg.enum is not None else None,
        "minimum": arg.minimum,
        "maximum": arg.maximum,
    }
    schema.update((key, value) for key, value in keywords.items() if value is not None)
    schema["description"] = arg.description
    return schema


def signature_schema(function: Callable[..., Any]) -> dict[str, Any]:
    """The input schema of a handler `(ctx, *, name: Annotated[...] = default, ...)`: one
    property per parameter after the context, required when it has no default."""
    parameters = list(inspect.signature(function, eval_str=True).parameters.values())[1:]
    return object_schema(
        {p.name: property_schema(p.annotation) for p in parameters},
        tuple(p.name for p in parameters if p.default is inspect.Parameter.empty),
    )


def typed_tool(
    function: Callable[..., ToolOutput],
    *,
    name: str,
    title: str,
    description: Text,
    output_schema: Schema,
    meta: dict[str, Any] | None = None,
) -> ToolSpec:
    """A tool whose input schema comes from its handler's typed signature; a call passes the
    given arguments by name (a null is left to the parameter's default)."""
    input_schema = signature_schema(function)

    def handler(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
        return function(ctx, **{k: v for k, v in arguments.items() if v is not None})

    return ToolSpec(
        name=name,
        title=title,
        description=description,
        input_schema=input_schema,
        output_schema=output_schema,
        meta=meta,
        handler=handler,
    )


Practice = Annotated[
    str,
    Arg("The practice's ODS code, e.g. A81001 (find it with search_practices).", max_length=20),
]
Months = Annotated[
    int,
    Arg(
        f"How many of the latest months to return (1-{MAX_MONTHS}, default {DEFAULT_MONTHS}).",
        minimum=1,
        maximum=MAX_MONTHS,
    ),
]
FinancialYear = Annotated[
    str,
    Arg(
        "A financial year such as 2021-22 (also 2021/22 or 2021); default: the practice's latest.",
        max_length=12,
    ),
]
MetricId = Annotated[str, Arg("A metric id from list_metrics, e.g. dna_rate.", max_length=60)]


def object_schema(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


# --- arguments ------------------------------------------------------------------------------


def practice_code(value: Any) -> str:
    code = normalise_code(value if isinstance(value, str) else None)
    if code is None:
        shown = str(value)[:20]
        raise ToolError(
            f"'{shown}' is not an ODS practice code: expected a letter then five letters or "
            "digits, e.g. A81001. Use search_practices to find a practice's code by name."
        )
    return code


def public_practice(ctx: ToolContext, value: Any) -> PracticeDetails:
    """A practice for public figures; the one generic answer when missing (or not allowed)."""
    code = practice_code(value)
    ctx.touch(code)
    return access.public_practice(ctx.user, code, surface="mcp")


def metric(value: Any) -> Metric:
    found = METRICS.get(value) if isinstance(value, str) else None
    if found is None:
        examples = ", ".join(list(METRICS)[:6])
        raise ToolError(
            f"Unknown metric '{str(value)[:40]}'. Call list_metrics for every metric id "
            f"(e.g. {examples})."
        )
    return found


def metric_ids_description() -> str:
    return ", ".join(METRICS)


# --- output ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeRef:
    code: str
    name: str
    status: str  # active | closed | ...
    pcn: str | None
    sub_icb: str | None
    icb: str | None
    region: str | None


def practice_ref(p: PracticeDetails) -> PracticeRef:
    def name(org) -> str | None:
        return f"{org.name} ({org.code})" if org else None

    return PracticeRef(
        p.code, p.name, p.status, name(p.pcn), name(p.sub_icb), name(p.icb), name(p.region)
    )


def missing_text(practice: PracticeRef, what: str) -> str:
    return f"No {what} figures are loaded for {practice.name} ({practice.code})."


def financial_year(value: str | None) -> str | None:
    """A financial year argument in the form 2021-22 (None: the latest)."""
    from portal.queries.annual import financial_year as parse

    if value is None:
        return None
    year = parse(value)
    if year is None:
        raise ToolError(f"'{str(value)[:12]}' is not a financial year: use the form 2021-22.")
    return year
