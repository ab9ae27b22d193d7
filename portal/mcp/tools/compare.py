"""compare_practices: several practices side by side on catalogue metrics, with England."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from portal import access
from portal.mcp import text
from portal.mcp.apps.meta import COMPARE_URI, tool_meta
from portal.mcp.registry import ToolContext, ToolError, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Arg
from portal.queries.compare import MAX_PRACTICES, default_metrics
from portal.queries.compare import compare_practices as compare
from portal.queries.peers import practice_peers
from portal.queries.types import Figure


@dataclass(frozen=True)
class ComparedRow:
    code: str
    name: str
    status: str
    figures: dict[str, Figure | None]  # metric id -> figure (None: no value that period)


@dataclass(frozen=True)
class Column:
    metric: str
    label: str
    unit: str
    polarity: str
    period: str | None
    england: Figure | None


@dataclass(frozen=True)
class NotRead:
    """A practice asked for that could not be read, and why (the others are still compared)."""

    practice: str
    reason: str


@dataclass(frozen=True)
class ComparisonResult:
    practices: list[ComparedRow]
    metrics: list[Column]
    not_read: list[NotRead]
    sources: list[str]
    synthetic: bool


SHAPE = common.Shape(ComparisonResult)
NOT_FOUND_OR_DENIED = "not found or access denied"

Practices = Annotated[
    list[str], Arg(f"ODS codes, at most {MAX_PRACTICES}.", min_items=1, item_max_length=20)
]
MetricIds = Annotated[
    list[str],
    Arg(
        "Metric ids from list_metrics (default: one per dataset).",
        max_items=common.MAX_METRICS,
        item_max_length=60,
    ),
]
Within = Annotated[
    str,
    Arg(
        "peers: set the one practice given beside its 10 most similar practices in England.",
        enum=("peers",),
    ),
]


def compare_practices(
    ctx: ToolContext,
    practices: Practices,
    metrics: MetricIds | None = None,
    within: Within | None = None,
) -> ToolOutput:
    asked = practices
    peers = within == "peers"
    if peers and len(asked) != 1:
        raise ToolError(
            "within=peers compares one practice with its 10 most similar practices: give "
            f"exactly one practice, not {len(asked)}."
        )
    if len(asked) > MAX_PRACTICES:
        raise ToolError(f"Too many practices: compare at most {MAX_PRACTICES}, not {len(asked)}.")
    metric_ids = [common.metric(m).id for m in metrics or []] or default_metrics()
    codes, not_read = _readable(ctx, asked)
    if peers and codes:
        codes += [p.code for p in practice_peers(codes[0])]
    if not codes:  # nothing to compare: the first problem alone, as a tool error
        malformed = [n.reason for n in not_read if n.reason != NOT_FOUND_OR_DENIED]
        if malformed:
            raise ToolError(malformed[0])
        raise access.NotFoundOrDenied()
    comparison = compare(codes, list(dict.fromkeys(metric_ids)))
    columns = [
        Column(c.metric.id, c.metric.label, c.metric.unit, c.metric.polarity, c.period, c.figure)
        for c in comparison.columns
    ]
    rows = [ComparedRow(p.code, p.name, p.status, p.figures) for p in comparison.practices]
    figures = [f for p in rows for f in p.figures.values() if f is not None]
    result = ComparisonResult(
        practices=rows,
        metrics=columns,
        not_read=not_read,
        sources=list(dict.fromkeys(f.source for f in figures)),
        synthetic=any(f.synthetic for f in figures),
    )
    return ToolOutput(SHAPE.dump(result), render(result))


def render(result: ComparisonResult) -> str:
    """Practices as rows, metrics as columns, then England (every practice combined)."""
    cols = result.metrics
    headings = ["Practice", *(f"{c.label} ({c.period or 'no data'})" for c in cols)]
    rows = [
        [f"{p.code} {p.name}" + ("" if p.status == "active" else f" ({p.status})"),
         *(text.shown(p.figures[c.metric]) for c in cols)]
        for p in result.practices
    ]  # fmt: skip
    rows.append(["England (all practices)", *(text.shown(c.england) for c in cols)])
    rows.append(["Better", *(text.POLARITY[c.polarity] for c in cols)])
    unread = (
        "Could not read: " + "; ".join(f"{n.practice} ({n.reason})" for n in result.not_read) + "."
        if result.not_read
        else None
    )
    return text.sections(
        text.table(headings, rows),
        unread,
        "Each metric in its own latest period; – = no figure that period. " + text.ENGLAND_LEGEND,
        text.footer(result.sources, result.synthetic),
    )


def _readable(ctx: ToolContext, asked: list[Any]) -> tuple[list[str], list[NotRead]]:
    """The well-formed codes the caller may read, in order; the others with their reason."""
    codes: list[str] = []
    not_read: list[NotRead] = []
    for value in asked:
        try:
            code = common.public_practice(ctx, value).code
        except ToolError as error:
            not_read.append(NotRead(str(value)[:20], str(error)))
            continue
        except access.NotFoundOrDenied:
            not_read.append(NotRead(common.practice_code(value), NOT_FOUND_OR_DENIED))
            continue
        codes.append(code)
    codes = list(dict.fromkeys(codes))
    return codes, list({n.practice: n for n in not_read}.values())


def _description() -> str:
    return (
        f"Compare up to {MAX_PRACTICES} practices (ODS codes) on up to {common.MAX_METRICS} "
        "metrics, each in the metric's latest period, beside England's value (ratio of sums). "
        "Default metrics: one headline per dataset "
        f"({', '.join(default_metrics())}). Use this for 'compare patients per GP across these "
        "practices'. A code that cannot be read is named in not_read and the others are still "
        "compared. With within=peers, one practice beside its 10 most similar practices. Use "
        "get_benchmark for one practice against the national distribution. "
        f"Metric ids: {common.metric_ids_description()}."
    )


TOOLS = [
    common.typed_tool(
        compare_practices,
        name="compare_practices",
        title="Compare practices",
        description=_description,
        output_schema=SHAPE.schema,
        meta=tool_meta(COMPARE_URI),  # drawn by an MCP Apps view; the text stays complete
    )
]
