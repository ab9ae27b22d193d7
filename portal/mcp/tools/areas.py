"""The per-area tools' machinery: each tool derived from one row (AreaTool) of the table in
area_tools, and the metric panels' shape (every catalogue metric of one dashboard area for one
practice, read through `portal.queries.areas`: the same figures the area pages show)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput, ToolSpec
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
    national_percentile: float | None  # 0-100 among open England practices (None: not ranked)
    in_national_distribution: bool
    national_distribution: Distribution | None
    groups: list[GroupValue]  # PCN, sub-ICB, ICB, region, England (ratio of sums)
    intervals: list[ConfidenceInterval]  # 95% and 99.8%, where the metric has them
    significance: list[Significance]  # the practice against each group, at both levels
    not_compared: str | None  # why there are no intervals, when so
    not_ranked: str | None  # why there is no national percentile ("not ranked: ..."), when so
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
                not_ranked=benchmark.not_ranked,
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
                  m.national_distribution, m.groups, m.intervals, m.significance, m.not_compared,
                  m.not_ranked)
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
            text.break_notes([m.metric for m in result.metrics], periods, p.code),
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


def describe(slug: str, lead: str, when: str, series: bool) -> str:
    """An area tool's description, generated from the catalogue at tools/list time."""
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


@dataclass(frozen=True)
class Argument:
    """An area tool's one argument beside `practice`: its typed schema, its parsed value, and
    whether a value pins one edition (then no figures for it is an error, not a note)."""

    name: str
    annotation: Any  # Annotated[..., common.Arg(...)]
    parse: Callable[[Any], Any]  # the argument as given (None: absent) -> what `read` takes
    pins: bool = False


MONTHS = Argument("months", common.Months, lambda v: common.DEFAULT_MONTHS if v is None else v)
YEAR = Argument("year", common.FinancialYear, common.financial_year, pins=True)


@dataclass(frozen=True)
class Answer:
    """An area's own text of its figures: the heading after the practice's name, the benchmark
    rows and their extra columns, further sections, and (for an area's metric panels) more
    structured content."""

    heading: str = ""
    rows: list[tuple] = field(default_factory=list)
    sections: list[str | None] = field(default_factory=list)
    columns: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class AreaTool:
    """One row of the area tools' table, from which the tool's description, input and output
    schemas and handler are derived.

    `read(practice[, value of argument])` gives the figures (None: none loaded) and
    `write(practice ref, figures)` the area's own text of them. With `key`, structuredContent is
    {practice, <key>: figures, note}, titled `result`; without, the area's metric panels
    (AreaResult), `read` giving the AreaView."""

    name: str
    title: str
    area: str  # the AREAS slug: its metrics and publications make the description
    lead: str  # what the tool answers (the description's opening)
    when: str  # when to use it rather than another tool (the description's close)
    read: Callable[..., Any]
    write: Callable[[common.PracticeRef, Any], Answer]
    argument: Argument | None = None
    key: str | None = None
    figures: type | None = None  # what `read` returns, for the output schema
    result: str = ""
    note_required: bool = False  # the monthly tools' output schemas have always required it
    missing: str = ""  # "No <missing> figures are loaded" (default: the title, lower case)
    about: Callable[[], str] | None = None  # more description, generated at tools/list

    def spec(self) -> ToolSpec:
        """The tool: description, schemas and handler, all from this row."""
        argument = self.argument
        properties = {"practice": common.property_schema(common.Practice)}
        if argument is not None:
            properties[argument.name] = common.property_schema(argument.annotation)
        shape_type = self.shape_type()
        shape = SHAPE if shape_type is None else common.Shape(shape_type)
        missing = self.missing or self.title.lower()

        def description() -> str:
            about = self.about() if self.about else ""
            return describe(self.area, self.lead, self.when, argument is MONTHS) + about

        def handler(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
            value = argument.parse(arguments.get(argument.name)) if argument else None
            practice = common.public_practice(ctx, arguments["practice"])
            ref = common.practice_ref(practice)
            data = self.read(practice, value) if argument else self.read(practice)
            if shape_type is None:
                result = area_result(data)
                answer = self.write(ref, data)
                result.extra.update(answer.extra)
                return ToolOutput(SHAPE.dump(result), render(result, *answer.sections))
            if data is None:
                if argument is not None and argument.pins and value is not None:
                    raise ToolError(f"No {missing} figures for {value} at {ref.code}.")
                note = common.missing_text(ref, missing)
                return ToolOutput(shape.dump(shape_type(ref, None, note)), note)
            answer = self.write(ref, data)
            rendered = text.figures_answer(
                f"{ref.name} ({ref.code}): {answer.heading}",
                answer.rows,
                *answer.sections,
                sources=[data.source],
                synthetic=data.synthetic,
                extra=answer.columns,
            )
            return ToolOutput(shape.dump(shape_type(ref, data, None)), rendered)

        return ToolSpec(
            name=self.name,
            title=self.title,
            description=description,
            input_schema=common.object_schema(properties, ("practice",)),
            output_schema=shape.schema,
            handler=handler,
        )

    def shape_type(self) -> type | None:
        """The {practice, <key>, note} dataclass of structuredContent (None: AreaResult)."""
        if self.key is None:
            return None
        note = ("note", str | None) if self.note_required else ("note", str | None, None)
        return make_dataclass(
            self.result,
            [("practice", common.PracticeRef), (self.key, self.figures | None), note],
            frozen=True,
        )


def panels(**row: Any) -> AreaTool:
    """A row over the area's metric panels (AreaResult) and its monthly series; `write` adds
    the area's own sections and structured content."""
    slug = row["area"]
    return AreaTool(
        read=lambda practice, months: area_view(practice, slug, months), argument=MONTHS, **row
    )


def monthly(*, figures: type, details: Callable[[Any], list[str | None]], **row: Any) -> AreaTool:
    """A row over one monthly activity area (appointments, online consultations, telephony):
    the area view's `activity`, the query's dataclass with `metrics` (benchmarks), `period`,
    `source`, `synthetic` and `trend`; `details(figures)` gives the text of its breakdowns."""
    slug = row["area"]

    def write(ref: common.PracticeRef, data: Any) -> Answer:
        series = None
        if len(data.trend) > 1:
            ids = [b.figure.metric for b in data.metrics]
            months = [(m.period, m.values) for m in data.trend]
            series = "Monthly series:\n" + text.metric_series(ids, months, ref.code)
        return Answer(
            f"{AREAS[slug].title.lower()}, {data.period}",
            [(b.figure.label, b) for b in data.metrics],
            [series, *details(data)],
        )

    return AreaTool(
        read=lambda practice, months: area_view(practice, slug, months).activity,
        write=write,
        argument=MONTHS,
        figures=figures,
        result=f"{figures.__name__}Result",
        note_required=True,
        **row,
    )
