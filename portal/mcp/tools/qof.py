"""get_qof_achievement: QOF achievement for one practice (portal.queries.qof)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput, ToolSpec
from portal.mcp.tools import areas, common
from portal.queries.qof import QofAchievementResult, qof_achievement


@dataclass(frozen=True)
class QofResult:
    practice: common.PracticeRef
    achievement: QofAchievementResult | None  # total and per domain, points and %
    note: str | None = None


SHAPE = common.Shape(QofResult)


def get_qof_achievement(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    year = common.financial_year(arguments)
    practice = common.public_practice(ctx, arguments["practice"])
    ref = common.practice_ref(practice)
    data = qof_achievement(practice, year)
    if data is None:
        if year:
            raise ToolError(f"No QOF achievement figures for {year} at {ref.code}.")
        note = common.missing_text(ref, "QOF achievement")
        return ToolOutput(SHAPE.dump(QofResult(ref, None, note)), note)
    rows = [
        (part.name, part.achievement, _points(part.points_achieved, 1),
         _points(part.points_available, 0))
        for part in (data.total, *data.domains)
    ]  # fmt: skip
    rendered = text.figures_answer(
        f"{ref.name} ({ref.code}): QOF achievement {data.period}",
        rows,
        sources=[data.source],
        synthetic=data.synthetic,
        extra=("Points achieved", "Points available"),
    )
    return ToolOutput(SHAPE.dump(QofResult(ref, data)), rendered)


def _points(value: float | None, decimals: int) -> str | None:
    return f"{value:,.{decimals}f}" if value is not None else None


TOOLS = [
    ToolSpec(
        name="get_qof_achievement",
        title="QOF achievement",
        description=areas.describe(
            "qof",
            "A practice's Quality and Outcomes Framework achievement in a financial year: "
            "points achieved of points available, as a %, in total and per domain (clinical, "
            "public health, quality improvement), each with benchmarks.",
            "Use this for QOF quality; disease register sizes are in get_disease_prevalence.",
            series=False,
        ),
        input_schema=common.object_schema(
            {"practice": common.PRACTICE, "year": common.FINANCIAL_YEAR}, ("practice",)
        ),
        output_schema=SHAPE.schema,
        handler=get_qof_achievement,
    )
]
