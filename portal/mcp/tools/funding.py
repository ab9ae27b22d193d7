"""get_funding: NHS Payments to General Practice for one practice (portal.queries.funding)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.mcp.registry import ToolContext, ToolError, ToolOutput, ToolSpec
from portal.mcp.tools import areas, common
from portal.queries.funding import Funding, funding


@dataclass(frozen=True)
class FundingResult:
    practice: common.PracticeRef
    funding: Funding | None  # £: total, per registered and per weighted patient, line items
    note: str | None = None


SHAPE = common.Shape(FundingResult)


def get_funding(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    year = common.financial_year(arguments)
    practice = common.public_practice(ctx, arguments["practice"])
    ref = common.practice_ref(practice)
    data = funding(practice, year)
    if data is None:
        if year:
            raise ToolError(f"No payments figures for {year} at {ref.code}.")
        note = common.missing_text(ref, "payments")
        return ToolOutput(SHAPE.dump(FundingResult(ref, None, note)), note)
    lines = [f"{ref.name} ({ref.code}): NHS payments {data.period} (£)"]
    lines.append(common.benchmark_line("Total payments £", data.total))
    lines.append(common.benchmark_line("Per registered patient £", data.per_registered))
    lines.append(common.benchmark_line("Per weighted patient £", data.per_weighted))
    lines.append(common.sources_footer([data.source], data.synthetic))
    return ToolOutput(SHAPE.dump(FundingResult(ref, data)), "\n".join(lines))


TOOLS = [
    ToolSpec(
        name="get_funding",
        title="Funding",
        description=areas.describe(
            "funding",
            "A practice's NHS payments in a financial year, in pounds: total, per registered "
            "patient and per weighted patient (as published), each beside England and its "
            "groups with a national percentile, plus every payment line published.",
            "Use this for funding questions such as payments per weighted patient against England.",
            series=False,
        ),
        input_schema=common.object_schema(
            {"practice": common.PRACTICE, "year": common.FINANCIAL_YEAR}, ("practice",)
        ),
        output_schema=SHAPE.schema,
        handler=get_funding,
    )
]
