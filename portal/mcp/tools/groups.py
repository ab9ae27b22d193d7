"""get_group_overview: a PCN's, sub-ICB location's, ICB's or region's figures for every area
and, for one metric, every member practice side by side (the group dashboard's figures)."""

from __future__ import annotations

from typing import Annotated

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Arg
from portal.queries.groups import GroupNotFound, GroupOverview, group_overview, parse_group

SHAPE = common.Shape(GroupOverview)
Group = Annotated[
    str,
    Arg(
        "The group: its level and ODS code as pcn:U12345, sub_icb:00L, icb:QWE or region:Y56; a "
        "bare code is looked up at each level (the prefix is needed only when a code exists at "
        "two levels). A practice's get_practice_overview names its PCN, sub-ICB, ICB and region "
        "codes.",
        max_length=24,
    ),
]
MemberMetric = Annotated[
    str,
    Arg(
        "Optional: a metric id from list_metrics (e.g. dna_rate) to compare every member "
        "practice on.",
        max_length=60,
    ),
]
Sort = Annotated[
    str,
    Arg(
        "Order of the member practices (default name; - reverses).",
        enum=("name", "-name", "code", "-code", "value", "-value", "change", "-change"),
    ),
]


def get_group_overview(
    ctx: ToolContext,
    group: Group,
    metric: MemberMetric | None = None,
    sort: Sort | None = None,
) -> ToolOutput:
    metric_id = common.metric(metric).id if metric is not None else None
    try:
        level, code = parse_group(group)
        ctx.touch(code)
        found = group_overview(level, code, metric_id, sort)
    except GroupNotFound:
        shown = str(group)[:24]
        raise ToolError(
            f"No PCN, sub-ICB location, ICB or region '{shown}'. Give it as pcn:<code>, "
            "sub_icb:<code>, icb:<code> or region:<code> (ODS codes)."
        ) from None
    return ToolOutput(SHAPE.dump(found), render(found))


def render(o: GroupOverview) -> str:
    g = o.group
    parents = "; ".join(f"{p.level_name} {p.name} ({p.code})" for p in o.parents)
    headline_rows = (
        [h.figure.label, h.figure.display, h.figure.period, h.change_display,
         h.previous_period, h.england_display, h.variation, h.practices]
        for a in o.areas for h in a.headlines
    )  # fmt: skip
    parts = [
        f"{g.name} ({g.code}), {g.level_name.lower()}: {o.member_practices} member practices "
        f"({o.open_practices} open)." + (f" Within: {parents}." if parents else ""),
        "Group figures are ratios of sums over the member practices (sums for counts), "
        "precomputed at load time. England for a count is the median practice's value.",
        text.table(
            ["Measure", "Group", "Period", "Change", "Since", "England", "SPC (latest)",
             "Practices"],
            headline_rows,
        ),
    ]  # fmt: skip
    c = o.comparison
    if c is not None:
        parts.append(
            f"{c.label} ({c.unit}) for each member practice, {c.period}: group {c.group_display}, "
            f"England {c.england_display}; {text.POLARITY[c.polarity]}."
            + (f" Change since {c.previous_period}." if c.previous_period else "")
            + (f" {c.outliers} beyond the 99.8% funnel limits around England." if c.funnel else "")
        )
        parts.append(
            text.table(
                [
                    "Practice",
                    "Code",
                    "Value",
                    "95% interval",
                    "vs group",
                    "Change",
                    "SPC",
                    "Funnel",
                ],
                (
                    [
                        m.name,
                        m.code,
                        m.display,
                        f"{text.value(c.metric, m.lower_95)} to {text.value(c.metric, m.upper_95)}"
                        if m.lower_95 is not None
                        else m.interval_note,
                        m.versus_group,
                        m.change_display,
                        (m.variation + (f" ({', '.join(m.signals)})" if m.signals else ""))
                        if m.variation
                        else None,
                        m.funnel_band,
                    ]
                    for m in c.members
                ),
            )  # fmt: skip
        )
        sources = [c.source]
    else:
        parts.append(
            "Give `metric` (an id from list_metrics) to see every member practice side by side."
        )
        sources = []
    sources += [h.figure.source for a in o.areas for h in a.headlines]
    parts.append(text.footer(sources, o.synthetic))
    return text.sections(*parts)


TOOLS = [
    common.typed_tool(
        get_group_overview,
        name="get_group_overview",
        title="PCN, ICB or region overview",
        description=(
            "A primary care network's, sub-ICB location's, ICB's or NHS England region's own "
            "figures for every area (ratio of sums over its member practices, latest period, "
            "change since the period before, England beside it, the SPC variation of monthly "
            "measures) and, with `metric`, every member practice side by side: value, 95% "
            "interval and how it compares with the group, change, SPC signal, and its funnel "
            "band against England (beyond 99.8% = outlier). The figures of the /pcns/<code>, "
            "/icbs/<code> pages."
        ),
        output_schema=SHAPE.schema,
    )
]
