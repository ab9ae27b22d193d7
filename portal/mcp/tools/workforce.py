"""get_workforce: General Practice Workforce for one practice (portal.queries.workforce)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import areas, common
from portal.queries.workforce import Workforce, workforce


@dataclass(frozen=True)
class WorkforceResult:
    practice: common.PracticeRef
    workforce: Workforce | None  # period, source, synthetic, staff groups with benchmarks
    note: str | None = None


SHAPE = common.Shape(WorkforceResult)


def get_workforce(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    practice = common.public_practice(ctx, arguments["practice"])
    ref = common.practice_ref(practice)
    data = workforce(practice)
    if data is None:
        note = common.missing_text(ref, "workforce")
        return ToolOutput(SHAPE.dump(WorkforceResult(ref, None, note)), note)
    rows = [
        (f"{g.label} FTE", g.benchmark, f"{g.headcount:g}" if g.headcount is not None else None)
        for g in data.staff
    ]
    rows.append(("Patients per GP FTE", data.patients_per_gp_fte, None))
    patients = (
        f"The workforce file's own patient count: {data.total_patients:,}."
        if data.total_patients is not None
        else None
    )
    rendered = text.figures_answer(
        f"{ref.name} ({ref.code}): workforce, {data.period} (– = not disclosed)",
        rows,
        patients,
        sources=[data.source],
        synthetic=data.synthetic,
        extra=("Headcount",),
    )
    return ToolOutput(SHAPE.dump(WorkforceResult(ref, data)), rendered)


TOOLS = [
    ToolSpec(
        name="get_workforce",
        title="Workforce",
        description=areas.describe(
            "workforce",
            "A practice's staff in its latest month: headcount and full-time equivalent (FTE) "
            "for GPs, nurses, direct patient care and admin staff, and patients per GP FTE "
            "(the workforce file's own patient count). 'Not disclosed' values are null.",
            "Use this for staffing; compare_practices with metric patients_per_gp_fte sets "
            "several practices side by side.",
            series=False,
        ),
        input_schema=common.object_schema({"practice": common.PRACTICE}, ("practice",)),
        output_schema=SHAPE.schema,
        handler=get_workforce,
    )
]
