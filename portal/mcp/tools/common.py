"""What the tools share: argument schemas and checks, output shapes, and the text rendering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from portal import access
from portal.catalogue import METRICS, Metric
from portal.mcp.registry import ToolContext, ToolError
from portal.queries.practices import PracticeDetails, normalise_code

MAX_MONTHS = 36
DEFAULT_MONTHS = 12
MAX_PRACTICES = 10
MAX_METRICS = 20

PRACTICE = {
    "type": "string",
    "maxLength": 20,
    "description": "The practice's ODS code, e.g. A81001 (find it with search_practices).",
}
MONTHS = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_MONTHS,
    "description": f"How many of the latest months to return (1-{MAX_MONTHS}, default "
    f"{DEFAULT_MONTHS}).",
}


def object_schema(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = list(required)
    return schema


class Shape:
    """A result dataclass as the tool's output schema and its structuredContent."""

    def __init__(self, cls: type) -> None:
        self.adapter = TypeAdapter(cls)
        self.schema = self.adapter.json_schema(mode="serialization")

    def dump(self, value: Any) -> dict[str, Any]:
        return self.adapter.dump_python(value, mode="json")


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


def months(arguments: dict[str, Any]) -> int:
    value = arguments.get("months")
    return DEFAULT_MONTHS if value is None else value


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


FINANCIAL_YEAR = {
    "type": "string",
    "maxLength": 12,
    "description": "A financial year such as 2021-22 (also 2021/22 or 2021); default: the "
    "practice's latest.",
}


def financial_year(arguments: dict[str, Any]) -> str | None:
    from portal.queries.annual import financial_year as parse

    value = arguments.get("year")
    if value is None:
        return None
    year = parse(value)
    if year is None:
        raise ToolError(f"'{str(value)[:12]}' is not a financial year: use the form 2021-22.")
    return year
