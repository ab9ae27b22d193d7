"""list_metrics: the metric catalogue, and what the resources publish about sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from portal.catalogue import METRICS
from portal.fetch.schedule import next_update_due
from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Arg
from portal.qof_registers import REGISTERS, prevalence_metric
from portal.queries.benchmarks import latest_periods
from portal.queries.datasets import loaded_datasets, provenance_map
from portal.sources import SOURCES, source_label


@dataclass(frozen=True)
class MetricEntry:
    id: str
    label: str
    unit: str
    dataset: str
    publication: str
    definition: str
    polarity: str
    caveats: list[str]
    latest_period: str | None  # the latest period with a value of this metric
    source: str | None  # publication and latest period
    synthetic: bool


@dataclass(frozen=True)
class SourceEntry:
    dataset: str
    publication: str
    publisher: str
    cadence: str
    url: str
    periods_loaded: int
    latest_period: str | None
    source: str | None
    loaded_at: str | None
    synthetic: bool
    next_update_due: str  # the publisher's next edition after the latest loaded


@dataclass(frozen=True)
class MetricList:
    metrics: list[MetricEntry]
    synthetic: bool


SHAPE = common.Shape(MetricList)
PREVALENCE = {prevalence_metric(code): code for code in REGISTERS}  # metric id -> register
Dataset = Annotated[
    str,
    Arg("Only this publication's metrics (e.g. gpad), caveats included.", enum=tuple(SOURCES)),
]


def _loaded() -> dict[str, Any]:
    return {d.dataset: d for d in loaded_datasets()}


def metric_list() -> MetricList:
    latest = latest_periods()
    origins = provenance_map(
        {(m.dataset, latest[m.id]) for m in METRICS.values() if m.id in latest}
    )
    entries = []
    for m in METRICS.values():
        period = latest.get(m.id)
        origin = origins[(m.dataset, period)] if period else None
        entries.append(
            MetricEntry(
                m.id,
                m.label,
                m.unit,
                m.dataset,
                SOURCES[m.dataset].publication,
                m.definition,
                m.polarity,
                list(m.caveats),
                period,
                origin.source if origin else None,
                bool(origin and origin.synthetic),
            )  # fmt: skip
        )
    return MetricList(entries, any(e.synthetic for e in entries))


def metric_entries() -> list[dict[str, Any]]:
    return SHAPE.dump(metric_list())["metrics"]


def source_entries() -> list[dict[str, Any]]:
    loaded = _loaded()
    out = []
    for s in SOURCES.values():
        d = loaded.get(s.dataset)
        out.append(
            SourceEntry(
                s.dataset,
                s.publication,
                s.publisher,
                s.cadence,
                s.url,
                d.periods if d else 0,
                d.latest if d else None,
                source_label(s.dataset, d.latest) if d else None,
                d.loaded_at.isoformat(timespec="seconds") if d else None,
                bool(d and d.synthetic),
                d.next_update_due if d else next_update_due(s.dataset, None),
            ).__dict__  # fmt: skip
        )
    return out


def list_metrics(_ctx: ToolContext, dataset: Dataset | None = None) -> ToolOutput:
    """Every metric; with `dataset`, one publication's metrics and their caveats too (the
    whole catalogue's caveats would not fit a model's budget for one answer)."""
    result = metric_list()
    if dataset is not None:
        result = MetricList([m for m in result.metrics if m.dataset == dataset], result.synthetic)
    return ToolOutput(SHAPE.dump(result), render(result, in_full=dataset is not None))


def render(result: MetricList, in_full: bool) -> str:
    """Every metric by publication; `in_full`, each distinct definition and caveat once too.
    The 21 prevalence registers share one row and one wording (prevalence_<register>)."""
    parts = []
    by_publication: dict[str, list[list]] = {}
    registers = [e for e in result.metrics if e.id in PREVALENCE]
    for e in result.metrics:
        if e.id in PREVALENCE and e is not registers[0]:
            continue
        row = [e.id, e.label, e.unit, text.POLARITY[e.polarity], e.latest_period or "not loaded"]
        if e.id in PREVALENCE:
            row = ["prevalence_<register>", "Disease prevalence, one metric per QOF register",
                   e.unit, text.POLARITY[e.polarity], _register_periods(registers)]  # fmt: skip
        by_publication.setdefault(f"{e.publication} ({e.dataset})", []).append(row)
    for publication, rows in by_publication.items():
        headings = ["Metric id", "Label", "Unit", "Better", "Latest period"]
        parts.append(f"{publication}:\n" + text.table(headings, rows))
    definitions: dict[str, list[str]] = {}
    caveats: dict[str, list[str]] = {}
    for e in result.metrics:
        name, definition = e.id, e.definition
        if e.id in PREVALENCE:
            name = "prevalence_<register>"
            definition = definition.replace(f" {PREVALENCE[e.id]} ", " <register> ")
        definitions.setdefault(definition, []).append(name)
        for caveat in e.caveats:
            caveats.setdefault(caveat, []).append(name)
    if in_full:
        parts.append("Definitions:\n" + _lines(definitions))
        if caveats:
            parts.append("Caveats:\n" + _lines(caveats))
    else:
        parts.append(
            "Definitions are in each area tool's description; for a publication's definitions "
            "and caveats call list_metrics with dataset=<the id in brackets above>."
        )
    publications = dict.fromkeys(e.publication for e in result.metrics)
    parts.append(text.footer(publications, result.synthetic))
    return text.sections(*parts)


def _register_periods(registers: list[MetricEntry]) -> str:
    """Registers by latest period, so a model sees which are loaded."""
    periods: dict[str, list[str]] = {}
    for e in registers:
        periods.setdefault(e.latest_period or "not loaded", []).append(PREVALENCE[e.id])
    return "; ".join(f"{period}: {', '.join(codes)}" for period, codes in periods.items())


def _lines(texts: dict[str, list[str]]) -> str:
    return "\n".join(f"- {', '.join(dict.fromkeys(ids))}: {t}" for t, ids in texts.items())


TOOLS = [
    common.typed_tool(
        list_metrics,
        name="list_metrics",
        title="List metrics",
        description="Every metric the other tools report: id, label, unit, dataset and "
        "publication, definition, polarity (whether higher is better), caveats, and the latest "
        "period loaded. Call it to find a metric id for get_benchmark or compare_practices, or "
        "to explain how a figure is defined. With `dataset`, only that publication's metrics, "
        "with their caveats in the text.",
        output_schema=SHAPE.schema,
    )
]
