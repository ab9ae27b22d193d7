"""get_benchmark: where a practice sits on one metric, or England's distribution of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from portal.mcp import text
from portal.mcp.apps.meta import BENCHMARK_URI, tool_meta
from portal.mcp.registry import ToolContext, ToolError, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Arg, MetricId
from portal.queries.benchmarks import benchmark_or_national
from portal.queries.national import national_view
from portal.queries.peers import Peer, practice_peers
from portal.queries.saved_groups import PREFIX, parse_group_id, saved_group_value
from portal.queries.types import Distribution, Figure, GroupValue

WITHIN = ("england", "region", "icb", "sub_icb", "pcn", "peers")
WITHIN_GROUP = "group:<id>"  # one of the caller's saved groups (list_my_groups)

OptionalPractice = Annotated[str, Arg("Optional ODS code, e.g. A81001.", max_length=20)]
Within = Annotated[
    str,
    Arg(
        "The group to compare with (default england): "
        + ", ".join(WITHIN)
        + "; peers: the 10 most similar practices in England; group:<id>: one of your saved "
        "groups (list_my_groups).",
        max_length=20,
        pattern="^(" + "|".join(WITHIN) + "|group:[0-9]{1,9})$",
    ),
]


@dataclass(frozen=True)
class BenchmarkResult:
    metric: str
    label: str
    unit: str
    polarity: str
    definition: str
    period: str
    source: str
    synthetic: bool
    within: str
    practice: common.PracticeRef | None
    practice_has_figure: bool | None  # False: the practice has no value in `period`
    practice_figure: Figure | None
    national_percentile: float | None  # 0-100 among open England practices
    in_national_distribution: bool | None
    national_distribution: Distribution | None  # median, quartiles, deciles, n, excluded
    england: GroupValue | None
    group: GroupValue | None  # the `within` organisation: ratio of sums, its median practice
    peers: list[Peer] | None = None  # with within=peers: the similar practices, closest first
    not_ranked: str | None = None  # why the practice has no national percentile, when so


SHAPE = common.Shape(BenchmarkResult)


def get_benchmark(
    ctx: ToolContext,
    metric: MetricId,
    practice: OptionalPractice | None = None,
    within: Within | None = None,
) -> ToolOutput:
    metric = common.metric(metric)
    within = within or "england"
    if within not in WITHIN and not (within.startswith(PREFIX) and parse_group_id(within)):
        raise ToolError(f"Argument 'within' must be one of: {', '.join(WITHIN)}, {WITHIN_GROUP}")
    if practice is None:
        if within != "england":
            raise ToolError(f"within={within} needs a practice; without one only England applies")
        view = national_view(metric.id)
        if view is None:
            raise ToolError(f"No figures for {metric.id} are loaded yet.")
        result = BenchmarkResult(
            metric.id, metric.label, metric.unit, metric.polarity, metric.definition,
            view.period, view.figure.source, view.figure.synthetic, within,
            None, None, None, None, None, view.distribution, view.england, view.england,
        )  # fmt: skip
    else:
        practice = common.public_practice(ctx, practice)
        bench = benchmark_or_national(practice, metric.id)
        if bench is None:
            raise ToolError(f"No figures for {metric.id} are loaded yet.")
        groups = {g.level: g for g in bench.groups}
        if within.startswith(PREFIX):  # the caller's own group, else "not found or access denied"
            groups[within] = saved_group_value(ctx.user, within, metric.id, bench.figure.period)
        f = bench.figure
        has_figure = f.value is not None
        result = BenchmarkResult(
            metric.id, metric.label, metric.unit, metric.polarity, metric.definition,
            f.period, f.source, f.synthetic, within, common.practice_ref(practice), has_figure,
            f if has_figure else None,
            bench.percentile, bench.in_distribution, bench.distribution,
            groups.get("england"), groups.get(within),
            practice_peers(practice.code) if within == "peers" else None,
            not_ranked=bench.not_ranked,
        )  # fmt: skip
    return ToolOutput(SHAPE.dump(result), render(result))


def render(r: BenchmarkResult) -> str:
    d = r.national_distribution
    rows = []
    if r.practice is not None:
        where = (
            f"national percentile {r.national_percentile:.0f}"
            if r.national_percentile is not None
            else r.not_ranked
        )
        shown = r.practice_figure.display if r.practice_has_figure else f"no figure for {r.period}"
        rows.append([f"{r.practice.name} ({r.practice.code})", shown,
                     where if r.practice_has_figure else None])  # fmt: skip
    if r.group is not None and r.within != "england":
        heading = text.LEVEL_HEADINGS.get(r.within, "your saved group")
        rows.append([f"{r.group.name} ({heading}), all practices",
                     r.group.display, f"{r.group.practices:,} practices"])  # fmt: skip
        if r.group.median is not None:
            rows.append([f"{r.group.name}, median practice", text.value(r.metric, r.group.median),
                         None])  # fmt: skip
    if r.england is not None:
        rows.append(["England (all practices)", r.england.display, f"{r.england.practices:,} "
                     "practices combined"])  # fmt: skip
    if d is not None and d.median is not None:
        rows.append(["Median practice in England", text.value(r.metric, d.median),
                     f"of {d.n:,} open practices; {d.excluded:,} excluded"])  # fmt: skip
        rows.append(
            [
                "Quartiles (25th to 75th percentile)",
                f"{text.value(r.metric, d.q1)} to {text.value(r.metric, d.q3)}",
                None,
            ]
        )
        rows.append(
            ["Deciles (10th … 90th)", ", ".join(text.value(r.metric, x) for x in d.deciles), None]
        )
        rows.append(["Lowest and highest practice",
                     f"{text.value(r.metric, d.minimum)} and {text.value(r.metric, d.maximum)}",
                     None])  # fmt: skip
    peers = (
        "The similar practices (closest first; by deprivation, list size, ages, dispensing and "
        "rurality):\n"
        + text.table(["Rank", "ODS code", "Name"], ([p.rank, p.code, p.name] for p in r.peers))
        if r.peers
        else None
    )
    return text.sections(
        f"{r.label} ({r.unit}), {r.period}: {text.POLARITY[r.polarity]}.",
        f"Definition: {r.definition}",
        text.table(["", "Value", "Note"], rows),
        peers,
        text.footer(
            [r.source], r.synthetic, text.publication_coverage(r.metric, r.period).lstrip()
        ),
    )


def _description() -> str:
    return (
        "Where a practice sits on one metric: its latest value, its percentile rank among open "
        "practices in England, the national median, quartiles and deciles of practice values, "
        "England's value (ratio of sums) and, with `within`, the value for its PCN, sub-ICB, "
        "ICB or region, or its 10 most similar practices (within=peers, listed), or one of "
        "your saved groups (within=group:<id>, ids from list_my_groups). Without "
        "`practice` it returns the national distribution alone (e.g. "
        "'what is the national median DNA rate'). A practice without a figure still gets the "
        "national distribution, with practice_has_figure false. Use get_<area> tools for "
        f"series. Metric ids: {common.metric_ids_description()}."
    )


TOOLS = [
    common.typed_tool(
        get_benchmark,
        name="get_benchmark",
        title="Benchmark one metric",
        description=_description,
        output_schema=SHAPE.schema,
        meta=tool_meta(BENCHMARK_URI),  # drawn by an MCP Apps view; the text stays complete
    )
]
