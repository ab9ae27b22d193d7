"""list_metrics: the metric catalogue, and what the resources publish about sources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.catalogue import METRICS
from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import common
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


@dataclass(frozen=True)
class MetricList:
    metrics: list[MetricEntry]
    synthetic: bool


SHAPE = common.Shape(MetricList)


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
            ).__dict__  # fmt: skip
        )
    return out


def list_metrics(_ctx: ToolContext, _arguments: dict[str, Any]) -> ToolOutput:
    result = metric_list()
    lines = [
        f"- {e.id}: {e.label} ({e.unit}); latest {e.latest_period or 'not loaded'}"
        for e in result.metrics
    ]
    lines.append(
        "Definitions, polarity and caveats are in the structured result."
        + (" " + common.SYNTHETIC_NOTE if result.synthetic else "")
    )
    return ToolOutput(SHAPE.dump(result), "\n".join(lines))


TOOLS = [
    ToolSpec(
        name="list_metrics",
        title="List metrics",
        description="Every metric the other tools report: id, label, unit, dataset and "
        "publication, definition, polarity (whether higher is better), caveats, and the latest "
        "period loaded. Call it to find a metric id for get_benchmark or compare_practices, or "
        "to explain how a figure is defined.",
        input_schema=common.object_schema({}),
        output_schema=SHAPE.schema,
        handler=list_metrics,
    )
]
