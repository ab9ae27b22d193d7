"""search_practices: find practices by name, ODS code, postcode or town."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Arg
from portal.queries.datasets import loaded_datasets
from portal.queries.search import MAX_LIMIT, MAX_QUERY_LENGTH, PracticeHit, SearchError
from portal.queries.search import search_practices as search
from portal.sources import source_label


@dataclass(frozen=True)
class SearchResult:
    count: int
    practices: list[PracticeHit]  # best first; open before closed
    period: str | None  # the ODS practice file's period
    source: str
    synthetic: bool


SHAPE = common.Shape(SearchResult)

Query = Annotated[
    str,
    Arg(
        "Words from the name (as the user spelt them), an ODS code, a postcode (or their start) "
        "or a town.",
        max_length=MAX_QUERY_LENGTH,
    ),
]
Limit = Annotated[
    int,
    Arg(f"Most results to return (1-{MAX_LIMIT}, default 10).", minimum=1, maximum=MAX_LIMIT),
]


def search_practices(ctx: ToolContext, query: Query, limit: Limit = 10) -> ToolOutput:
    ctx.query_length = len(query)
    try:
        hits = search(query, limit)
    except SearchError as error:
        raise ToolError(str(error)) from error
    ods = next((d for d in loaded_datasets() if d.dataset == "ods-practices"), None)
    result = SearchResult(
        count=len(hits),
        practices=hits,
        period=ods.latest if ods else None,
        source=source_label("ods-practices", ods.latest) if ods else "ODS GP practices",
        synthetic=bool(ods and ods.synthetic),
    )
    rows = ([h.code, h.name, h.town, h.postcode, h.status] for h in hits)
    rendered = text.sections(
        f"{len(hits)} practice(s) found, best match first:",
        text.table(["ODS code", "Name", "Town", "Postcode", "Status"], rows) if hits else None,
        text.footer([result.source], result.synthetic),
    )
    return ToolOutput(SHAPE.dump(result), rendered)


TOOLS = [
    common.typed_tool(
        search_practices,
        name="search_practices",
        title="Search practices",
        description="Find GP practices in England by name, ODS code, postcode or town. Returns "
        "each match's ODS code, name, town, postcode and status (best match first, open "
        "practices before closed), from the ODS practice list. Typos, punctuation and case "
        "are forgiven, and the start of a code or postcode is enough. Use it first whenever "
        "you have a practice's name rather than its ODS code; every other tool takes the code.",
        output_schema=SHAPE.schema,
    )
]
