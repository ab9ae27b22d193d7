"""get_practice_overview: who the practice is and its headline figures, each beside England."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal import access
from portal.catalogue import METRICS
from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput, ToolSpec
from portal.mcp.tools import common
from portal.queries.overview import Headline, headline_figures
from portal.queries.practices import PracticeDetails

HEADLINE = (
    "list_size",
    "deprivation_score",
    "appointments_per_1000",
    "dna_rate",
    "same_day_share",
    "face_to_face_share",
    "oc_rate_per_1000",
    "calls_answered_rate",
    "gp_fte",
    "patients_per_gp_fte",
    "gpps_overall_good",
    "qof_achievement_pct",
    "payments_per_weighted",
)


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


def headline_metrics() -> list[str]:
    return [m for m in HEADLINE if m in METRICS]


def build_overview(ctx: ToolContext, practice_arg: Any) -> tuple[ToolOutput, PracticeDetails]:
    practice = common.public_practice(ctx, practice_arg)
    figures = headline_figures(practice.code, headline_metrics())
    present = [h.practice for h in figures if h.practice is not None]
    result = Overview(
        practice=common.practice_ref(practice),
        address=", ".join(x for x in (practice.address, practice.town) if x) or None,
        postcode=practice.postcode,
        telephone=practice.telephone,
        open_date=practice.open_date.isoformat() if practice.open_date else None,
        close_date=practice.close_date.isoformat() if practice.close_date else None,
        figures=figures,
        sources=list(dict.fromkeys(f.source for f in present)),
        synthetic=any(f.synthetic for f in present),
    )
    return ToolOutput(SHAPE.dump(result), render(result)), practice


def render(result: Overview) -> str:
    p = result.practice
    rows = (
        [h.label, (h.practice or h.england_total).period, text.shown(h.practice),
         text.shown(h.england_total), text.shown(h.england_median_practice),
         f"{h.percentile:.0f}" if h.percentile is not None else None,
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
        "Latest headline figures (– = no figure for this practice that period):\n"
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


def get_practice_overview(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    practice = arguments.get("practice") or my_only_practice(ctx)
    return build_overview(ctx, practice)[0]


def _description() -> str:
    listed = ", ".join(f"{m} ({METRICS[m].label}, {METRICS[m].unit})" for m in headline_metrics())
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
    ToolSpec(
        name="get_practice_overview",
        title="Practice overview",
        description=_description,
        input_schema=common.object_schema({"practice": common.PRACTICE}),
        output_schema=SHAPE.schema,
        handler=get_practice_overview,
    )
]
