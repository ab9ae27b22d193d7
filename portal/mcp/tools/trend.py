"""get_trend: a practice's monthly metric as a Making Data Count SPC (XmR) chart."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from portal.catalogue import METRICS, format_value
from portal.mcp import text
from portal.mcp.apps.meta import TREND_URI, tool_meta
from portal.mcp.registry import ToolContext, ToolError, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Arg, Practice
from portal.queries.trend import NotMonthly, TrendChart, monthly_metrics, practice_trend_chart
from portal.sources import period_label

DEFAULT_MONTHS = 24  # as the area pages chart
MAX_MONTHS = 36
BETTER = text.POLARITY | {"neutral": "neither direction is better"}

SHAPE = common.Shape(TrendChart)

MonthlyMetric = Annotated[
    str, Arg("A monthly metric id from list_metrics, e.g. dna_rate.", max_length=60)
]
Months = Annotated[
    int,
    Arg(
        f"How many of the latest months to chart (2-{MAX_MONTHS}, default {DEFAULT_MONTHS}).",
        minimum=2,
        maximum=MAX_MONTHS,
    ),
]
Baseline = Annotated[
    int,
    Arg(
        "Optional: the limits come from the first N months charted (default: all of them).",
        minimum=2,
        maximum=MAX_MONTHS,
    ),
]


def get_trend(
    ctx: ToolContext,
    practice: Practice,
    metric: MonthlyMetric,
    months: Months = DEFAULT_MONTHS,
    baseline: Baseline | None = None,
) -> ToolOutput:
    metric = common.metric(metric)
    practice = common.public_practice(ctx, practice)
    try:
        found = practice_trend_chart(practice, metric.id, months, baseline)
    except NotMonthly as exc:
        raise ToolError(str(exc)) from None
    if found is None:
        raise ToolError(
            f"{practice.name} ({practice.code}) has fewer than 2 values of {metric.id} in its "
            f"latest {months} months: no chart."
        )
    return ToolOutput(SHAPE.dump(found), render(found))


def render(c: TrendChart) -> str:
    def shown(number: float) -> str:
        return text.value(c.metric, number)

    finer = replace(METRICS[c.metric], decimals=METRICS[c.metric].decimals + 1)

    def limit(number: float) -> str:  # one decimal more than the values, as SPC charts show
        return format_value(finer, number)

    made_from = (
        f"the first {c.baseline} periods (baseline), {c.baseline_points} values"
        if c.baseline is not None
        else f"all {c.baseline_points} values"
    )
    limits = (
        f"Mean {limit(c.mean)}; natural process limits {limit(c.lower)} to {limit(c.upper)} "
        f"(mean ± 2.66 × mean moving range {limit(c.mean_moving_range)}), from {made_from}."
    )
    if c.trial:
        limits += " Trial limits: fewer than 12 values made them, so read signals with care."
    source = f"{c.source.publication}, {period_label(c.first)} to {period_label(c.last)}"
    return text.sections(
        f"{c.label} ({c.unit}), {c.name} ({c.code}, {c.level}), {c.first} to {c.last}: SPC "
        f"(XmR) chart, Making Data Count; {BETTER[c.polarity]}.",
        text.table(
            ["Period", "Value", "Signals (– none: common cause)"],
            ([p.period, shown(p.value), c.signals_words(p)] for p in c.points),
        ),
        *(
            f"{b.note} The limits span both series: read signals near it with care."
            for b in c.breaks
        ),
        limits,
        f"Variation, latest value: {c.variation_words}.",
        "Rules: " + "; ".join(f"{name} = {words}" for name, words in c.rule_notes) + ".",
        text.footer([source], c.synthetic),
    )


def _description() -> str:
    return (
        "A practice's monthly metric as a Making Data Count SPC (XmR) chart: each month's "
        "value with its special-cause signals (a point beyond a limit, a run of 7 on one side "
        "of the mean, 7 rising or falling, 2 of 3 near a limit), the mean, the natural process "
        "limits (mean ± 2.66 × mean moving range; trial limits below 12 points) and the "
        "variation icon: common cause, or special cause improving or concerning by the "
        "metric's polarity. Use it to ask whether a change is a real change. `baseline` fixes "
        "the limits from the first N months. `breaks` lists any series break (the publisher's "
        "change of method, or a practice merger from ODS's successor file) inside the months "
        "charted: values either side are not like for like. "
        f"Monthly metrics: {', '.join(monthly_metrics())}."
    )


TOOLS = [
    common.typed_tool(
        get_trend,
        name="get_trend",
        title="SPC chart of a monthly metric",
        description=_description,
        output_schema=SHAPE.schema,
        meta=tool_meta(TREND_URI),  # drawn by an MCP Apps view; the text stays complete
    )
]
