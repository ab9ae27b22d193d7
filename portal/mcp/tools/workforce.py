"""get_workforce: General Practice Workforce for one practice (portal.queries.workforce)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    lines = [f"{ref.name} ({ref.code}): workforce"]
    for group in data.staff:
        headcount = f"headcount {group.headcount:g}" if group.headcount is not None else ""
        lines.append(common.benchmark_line(f"{group.label} FTE", group.benchmark, headcount))
    lines.append(common.benchmark_line("Patients per GP FTE", data.patients_per_gp_fte))
    lines.append(common.sources_footer([data.source], data.synthetic))
    return ToolOutput(SHAPE.dump(WorkforceResult(ref, data)), "\n".join(lines))


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
