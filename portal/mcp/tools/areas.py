"""The per-area tools' shared shape: every catalogue metric of one dashboard area for one
practice, read through `portal.queries.areas` (the same figures the area pages show)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import common
from portal.queries.area_view import AreaView, area_view
from portal.queries.areas import AREAS, SourceSpan
from portal.queries.types import (
    Benchmark,
    ConfidenceInterval,
    Distribution,
    Figure,
    GroupValue,
    Significance,
    TrendPoint,
)
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
    intervals: list[ConfidenceInterval]  # 95% and 99.8%, where the metric has them
    significance: list[Significance]  # the practice against each group, at both levels
    not_compared: str | None  # why there are no intervals, when so
    trend: list[TrendPoint]  # oldest first
    england_trend: list[TrendPoint]  # what `england_trend_is` names, period by period
    england_trend_is: str  # england_total (ratio of sums) | england_median_practice (counts)


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


def view_for(
    ctx: ToolContext, practice_arg: Any, slug: str, months: int = common.DEFAULT_MONTHS
) -> AreaView:
    """The shared area view (portal.queries.area_view) for a practice the caller may read."""
    return area_view(common.public_practice(ctx, practice_arg), slug, months)


def area_result(view: AreaView) -> AreaResult:
    """The view's metric panels as the area tools' structured result."""
    area, slug = view.area, view.area.slug
    metrics = []
    for panel in view.panels:
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
                intervals=benchmark.intervals,
                significance=benchmark.significance,
                not_compared=benchmark.not_compared,
                trend=panel.trend,
                england_trend=panel.england_trend,
                england_trend_is=panel.england_trend_is,
            )
        )
    spans = {
        (p.trend_source.publication, p.trend_source.first): p.trend_source
        for p in view.panels
        if p.trend_source
    }
    sources = list(spans.values())
    note = None
    if not metrics:
        note = f"No {area.title.lower()} figures are loaded for this practice."
    return AreaResult(
        practice=common.practice_ref(view.practice),
        area=slug,
        title=area.title,
        metrics=metrics,
        sources=sources,
        synthetic=any(s.synthetic for s in sources) or any(m.latest.synthetic for m in metrics),
        note=note,
    )


def render(result: AreaResult, *more: str | None) -> str:
    """The area as markdown: every metric against its groups, then the series side by side."""
    p = result.practice
    benchmarks = [
        Benchmark(m.latest, m.national_percentile, m.in_national_distribution,
                  m.national_distribution, m.groups, m.intervals, m.significance, m.not_compared)
        for m in result.metrics
    ]  # fmt: skip
    series = None
    longest = max(result.metrics, key=lambda m: len(m.trend), default=None)
    if longest is not None and len(longest.trend) > 1:
        periods = [t.period for t in longest.trend]
        columns = []
        for m in result.metrics:
            own = {t.period: t.value for t in m.trend}
            england = {t.period: t.value for t in m.england_trend}
            columns.append((m.label, [text.value(m.metric, own.get(x)) for x in periods]))
            if england:
                heading = text.ENGLAND_SERIES[m.england_trend_is]
                columns.append(
                    (
                        f"{m.label}, {heading}",
                        [text.value(m.metric, england.get(x)) for x in periods],
                    )
                )
        series = text.sections(
            "Series:\n" + text.series_table(periods, columns),
            text.break_notes([m.metric for m in result.metrics], periods),
        )
    return text.figures_answer(
        f"{p.name} ({p.code}): {result.title.lower()}",
        [(m.label, b) for m, b in zip(result.metrics, benchmarks, strict=True)],
        result.note,
        series,
        *more,
        sources=[f"{s.publication}, {s.first} to {s.last}" for s in result.sources],
        synthetic=result.synthetic,
    )


def output_with_text(result: AreaResult, rendered: str) -> ToolOutput:
    return ToolOutput(SHAPE.dump(result), rendered)


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
    lead: str,
    when: str,
    details: Callable[[Any], list[str | None]] = lambda data: [],
) -> ToolSpec:
    """A tool over one monthly activity area (appointments, online consultations, telephony):
    the area view's `activity`, the query's dataclass with `metrics` (benchmarks), `period`,
    `source` and `synthetic`, or None when the practice has no data; `details(data)` gives the
    text of its breakdowns (markdown sections)."""
    shape_type = make_dataclass(
        f"{result_type.__name__}Result",
        [("practice", common.PracticeRef), (key, result_type | None), ("note", str | None)],
        frozen=True,
    )
    shape = common.Shape(shape_type)

    def handler(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
        view = view_for(ctx, arguments["practice"], slug, common.months(arguments))
        ref = common.practice_ref(view.practice)
        data = view.activity
        if data is None:
            note = common.missing_text(ref, AREAS[slug].title.lower())
            return ToolOutput(shape.dump(shape_type(ref, None, note)), note)
        return ToolOutput(shape.dump(shape_type(ref, data, None)), render_monthly(ref, data))

    def render_monthly(ref: common.PracticeRef, data: Any) -> str:
        series = None
        if len(data.trend) > 1:
            ids = [b.figure.metric for b in data.metrics]
            months = [(m.period, m.values) for m in data.trend]
            series = "Monthly series:\n" + text.metric_series(ids, months)
        return text.figures_answer(
            f"{ref.name} ({ref.code}): {AREAS[slug].title.lower()}, {data.period}",
            [(b.figure.label, b) for b in data.metrics],
            series,
            *details(data),
            sources=[data.source],
            synthetic=data.synthetic,
        )

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
