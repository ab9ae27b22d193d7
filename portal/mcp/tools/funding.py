"""get_funding: NHS Payments to General Practice for one practice (portal.queries.funding)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.mcp import text
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
    return ToolOutput(SHAPE.dump(FundingResult(ref, data)), render(ref, data))


def render(ref: common.PracticeRef, data) -> str:
    patients = text.table(
        ["Patients in the year (last known)", "Count"],
        [["Registered", _number(data.registered_patients)],
         ["Weighted", _number(data.weighted_patients)]],
    )  # fmt: skip
    published = (
        "The file's own averages: "
        f"£{data.published_per_registered:,.2f} per registered patient, "
        f"£{data.published_per_weighted:,.2f} per weighted patient."
        if data.published_per_registered is not None and data.published_per_weighted is not None
        else None
    )
    items = text.table(
        ["Payment item (as published)", "Amount"],
        ([i.item, f"£{i.amount:,.2f}"] for i in data.items if i.amount),
    )
    return text.figures_answer(
        f"{ref.name} ({ref.code}): NHS payments {data.period} (£)",
        [("Total payments", data.total), ("Per registered patient", data.per_registered),
         ("Per weighted patient", data.per_weighted)],
        patients,
        published,
        "Payment items (non-zero):\n" + items if data.items else None,
        sources=[data.source],
        synthetic=data.synthetic,
    )  # fmt: skip


def _number(value: float | None) -> str | None:
    return f"{value:,.0f}" if value is not None else None


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
