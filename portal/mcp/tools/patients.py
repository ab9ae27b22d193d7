"""get_registered_patients: list size over time, its benchmarks, and the age/sex bands."""

from __future__ import annotations

from dataclasses import asdict

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import areas, common


def get_registered_patients(ctx: ToolContext, arguments: dict) -> ToolOutput:
    view = areas.view_for(
        ctx, arguments["practice"], "registered-patients", common.months(arguments)
    )
    result = areas.area_result(view)
    pyramid = view.age_pyramid
    bands = None
    if pyramid is not None:
        result.extra["age_bands"] = {
            "period": pyramid.period,
            "source": pyramid.source,
            "synthetic": pyramid.synthetic,
            "total": pyramid.total,
            "bands": [asdict(b) for b in pyramid.bands],
        }
        bands = (
            f"Patients by age and sex, {pyramid.period} ({pyramid.total:,} patients; "
            f"{pyramid.source}):\n"
            + text.table(
                ["Age", "Male", "Female"],
                ([b.label, _count(b.male), _count(b.female)] for b in pyramid.bands),
            )
        )
    return areas.output_with_text(result, areas.render(result, bands))


def _count(number: int | None) -> str | None:
    return f"{number:,}" if number is not None else None


TOOLS = [
    ToolSpec(
        name="get_registered_patients",
        title="Registered patients",
        description=areas.describe(
            "registered-patients",
            "A practice's registered list size (patients on the 1st of each month) with its "
            "monthly series, benchmarks, and the latest patients by five-year age band and sex.",
            "Use this for list size and how it is trending; use get_practice_overview for a "
            "one-call summary of every area.",
        ),
        input_schema=common.object_schema(
            {"practice": common.PRACTICE, "months": common.MONTHS}, ("practice",)
        ),
        output_schema=areas.SHAPE.schema,
        handler=get_registered_patients,
    )
]
