"""get_practice_overview: who the practice is and its headline figures, each beside England."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal import access
from portal.catalogue import METRICS
from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Practice
from portal.queries.overview import HEADLINES, Headline, practice_overview
from portal.queries.practices import PracticeDetails


@dataclass(frozen=True)
class Overview:
    practice: common.PracticeRef
    address: str | None
    postcode: str | None
    telephone: str | None
    open_date: str | None
    close_date: str | None
    figures: list[Headline]
    sources: list[str]  # publication and period of every figure
    synthetic: bool


SHAPE = common.Shape(Overview)


def build_overview(ctx: ToolContext, practice_arg: Any) -> tuple[ToolOutput, PracticeDetails]:
    practice = common.public_practice(ctx, practice_arg)
    headlines = practice_overview(practice)
    result = Overview(
        practice=common.practice_ref(practice),
        address=", ".join(x for x in (practice.address, practice.town) if x) or None,
        postcode=practice.postcode,
        telephone=practice.telephone,
        open_date=practice.open_date.isoformat() if practice.open_date else None,
        close_date=practice.close_date.isoformat() if practice.close_date else None,
        figures=headlines.figures,
        sources=headlines.sources,
        synthetic=headlines.synthetic,
    )
    return ToolOutput(SHAPE.dump(result), render(result)), practice


def render(result: Overview) -> str:
    p = result.practice
    rows = (
        [h.label, (h.practice or h.england_total).period, text.shown(h.practice),
         text.shown(h.england_total), text.shown(h.england_median_practice),
         f"{h.percentile:.0f}" if h.percentile is not None else h.not_ranked,
         text.POLARITY[METRICS[h.metric].polarity]]
        for h in result.figures
    )  # fmt: skip
    headings = ["Metric", "Period", "Practice", "England (all practices)", "Median practice",
                "Percentile", "Better"]  # fmt: skip
    return text.sections(
        f"{p.name} ({p.code}), {result.address or ''} {result.postcode or ''}".rstrip(),
        f"Status: {p.status}. Opened {result.open_date or 'unknown'}"
        + (f", closed {result.close_date}" if result.close_date else "")
        + f". Telephone: {result.telephone or 'not published'}.\n"
        f"PCN: {p.pcn or 'none'}. Sub-ICB: {p.sub_icb or 'unknown'}. ICB: {p.icb or 'unknown'}. "
        f"Region: {p.region or 'unknown'}.",
        "Latest headline figures, each in the practice's own latest period (– = no figure of "
        "it loaded for this practice; the period is then the metric's latest):\n"
        + text.table(headings, rows),
        text.ENGLAND_LEGEND,
        text.footer(result.sources, result.synthetic),
    )


def my_only_practice(ctx: ToolContext) -> str:
    """The caller's practice when they name none: their one active role, or a correctable
    error that says what to do."""
    mine = access.my_practices(ctx.user)
    if len(mine) == 1:
        return mine[0].code
    if not mine:
        raise ToolError(
            "You hold no active role at a practice, so there is no 'my practice': name one by "
            "ODS code (search_practices finds it by name, town or postcode)."
        )
    listed = ", ".join(f"{p.code} {p.name}" for p in mine)
    raise ToolError(f"You hold roles at several practices ({listed}): name one by ODS code.")


def get_practice_overview(ctx: ToolContext, practice: Practice | None = None) -> ToolOutput:
    return build_overview(ctx, practice or my_only_practice(ctx))[0]


def _description() -> str:
    listed = ", ".join(f"{m} ({METRICS[m].label}, {METRICS[m].unit})" for m in HEADLINES)
    return (
        "A one-call summary of a GP practice: name, address, status, PCN, ICB and region, and "
        "its latest headline figures each beside England (every practice combined) and the "
        "median practice, with its national percentile, period, source "
        "publication and whether the data is synthetic. Headline metrics: "
        f"{listed}. Use this first for 'tell me about this practice'; use the area tools "
        "(get_appointments, get_workforce...) for series and full benchmarks. Without a "
        "practice it answers for the user's own practice when they hold a role at exactly one "
        "(list_my_practices shows them)."
    )


TOOLS = [
    common.typed_tool(
        get_practice_overview,
        name="get_practice_overview",
        title="Practice overview",
        description=_description,
        output_schema=SHAPE.schema,
    )
]
