"""The per-area tools' shared shape: every catalogue metric of one dashboard area for one
practice, read through `portal.queries.areas` (the same figures the area pages show)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import common
from portal.queries.areas import AREAS, SourceSpan, area_dashboard
from portal.queries.types import Distribution, Figure, GroupValue, TrendPoint
from portal.sources import SOURCES


@dataclass(frozen=True)
class MetricResult:
    metric: str
    label: str
    unit: str
    definition: str
    polarity: str  # higher-is-better | lower-is-better | neutral
    latest: Figure  # the value, its period, source publication and synthetic flag
    national_percentile: float | None  # 0-100 among open England practices (None: excluded)
    in_national_distribution: bool
    national_distribution: Distribution | None
    groups: list[GroupValue]  # PCN, sub-ICB, ICB, region, England (ratio of sums)
    trend: list[TrendPoint]  # oldest first
    england_trend: list[TrendPoint]


@dataclass(frozen=True)
class AreaResult:
    practice: common.PracticeRef
    area: str
    title: str
    metrics: list[MetricResult]
    sources: list[SourceSpan]  # publication, first and last period, synthetic
    synthetic: bool
    note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


SHAPE = common.Shape(AreaResult)


def area_result(
    ctx: ToolContext,
    practice_arg: Any,
    slug: str,
    months: int = common.DEFAULT_MONTHS,
) -> AreaResult:
    practice = common.public_practice(ctx, practice_arg)
    area = AREAS[slug]
    dashboard = area_dashboard(practice, area, months=months)
    metrics = []
    for panel in dashboard.panels:
        benchmark = panel.benchmark
        m = panel.metric
        metrics.append(
            MetricResult(
                metric=m.id,
                label=m.label,
                unit=m.unit,
                definition=m.definition,
                polarity=m.polarity,
                latest=benchmark.figure,
                national_percentile=benchmark.percentile,
                in_national_distribution=benchmark.in_distribution,
                national_distribution=benchmark.distribution,
                groups=benchmark.groups,
                trend=panel.trend,
                england_trend=panel.england_trend,
            )
        )
    spans = {
        (p.trend_source.publication, p.trend_source.first): p.trend_source
        for p in dashboard.panels
        if p.trend_source
    }
    sources = list(spans.values())
    note = None
    if not metrics:
        note = f"No {area.title.lower()} figures are loaded for this practice."
    return AreaResult(
        practice=common.practice_ref(practice),
        area=slug,
        title=area.title,
        metrics=metrics,
        sources=sources,
        synthetic=any(s.synthetic for s in sources) or any(m.latest.synthetic for m in metrics),
        note=note,
    )


def render(result: AreaResult) -> str:
    p = result.practice
    lines = [f"{p.name} ({p.code}): {result.title.lower()}"]
    if result.note:
        lines.append(result.note)
    for m in result.metrics:
        england = next((g for g in m.groups if g.level == "england"), None)
        extra = []
        if england is not None:
            extra.append(f"England {england.display}")
        if m.national_percentile is not None:
            extra.append(f"national percentile {m.national_percentile:.0f}")
        if len(m.trend) > 1:
            extra.append(f"{len(m.trend)}-period series from {m.trend[0].period}")
        lines.append(common.figure_line(m.label, m.latest, "; ".join(extra)))
    sources = [f"{s.publication}, {s.first} to {s.last}" for s in result.sources]
    lines.append(common.sources_footer(sources, result.synthetic))
    return "\n".join(lines)


def output(result: AreaResult) -> ToolOutput:
    return ToolOutput(SHAPE.dump(result), render(result))


def output_with_text(result: AreaResult, text: str) -> ToolOutput:
    return ToolOutput(SHAPE.dump(result), text)


def describe(slug: str, lead: str, when: str, series: bool = True) -> Callable[[], str]:
    """A description generated from the catalogue at tools/list time."""

    def text() -> str:
        area = AREAS[slug]
        publications = sorted({SOURCES[d].publication for d in area.datasets if d in SOURCES})
        metric_lines = "\n".join(
            f"- {m.id}: {m.label}, in {m.unit}. {m.definition} ({m.polarity.replace('-', ' ')})"
            for m in area.metrics
        )
        return (
            f"{lead}\n\nSource: {', '.join(publications)}. Every figure names its period and "
            "source, and says whether it is synthetic. For each metric: the value, the "
            "practice's national percentile among open practices, and the PCN, sub-ICB, ICB, "
            "region and England values (ratio of sums)"
            + (", with the monthly series" if series else "")
            + ".\n\nMetrics:\n"
            f"{metric_lines}\n\n{when}"
        )

    return text


def monthly_tool(
    name: str,
    title: str,
    slug: str,
    key: str,
    result_type: type,
    fetch: Callable[[str, int], Any],
    lead: str,
    when: str,
) -> ToolSpec:
    """A tool over one monthly activity query (appointments, online consultations, telephony):
    `fetch(code, months)` returns the query's dataclass with `metrics` (benchmarks), `period`,
    `source` and `synthetic`, or None when the practice has no data."""
    shape_type = make_dataclass(
        f"{result_type.__name__}Result",
        [("practice", common.PracticeRef), (key, result_type | None), ("note", str | None)],
        frozen=True,
    )
    shape = common.Shape(shape_type)

    def handler(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
        practice = common.public_practice(ctx, arguments["practice"])
        ref = common.practice_ref(practice)
        data = fetch(practice.code, common.months(arguments))
        if data is None:
            note = common.missing_text(ref, AREAS[slug].title.lower())
            return ToolOutput(shape.dump(shape_type(ref, None, note)), note)
        lines = [f"{ref.name} ({ref.code}): {AREAS[slug].title.lower()}, {data.period}"]
        lines += [common.benchmark_line(b.figure.label, b) for b in data.metrics]
        if len(data.trend) > 1:
            lines.append(f"Monthly series: {data.trend[0].period} to {data.trend[-1].period}.")
        lines.append(common.sources_footer([data.source], data.synthetic))
        return ToolOutput(shape.dump(shape_type(ref, data, None)), "\n".join(lines))

    return ToolSpec(
        name=name,
        title=title,
        description=describe(slug, lead, when),
        input_schema=common.object_schema(
            {"practice": common.PRACTICE, "months": common.MONTHS}, ("practice",)
        ),
        output_schema=shape.schema,
        handler=handler,
    )
