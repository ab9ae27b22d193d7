"""search and fetch in the shapes OpenAI documents for ChatGPT deep research and company
knowledge: `search` returns the ids of documents, `fetch` returns one, its text the answer of
the tool that owns those figures (so the numbers are equal by construction) and its url the
public page.

Ids:
  practice:<ODS>              a practice's overview (get_practice_overview)
  practice:<ODS>:<area>       one dashboard area (get_appointments, get_workforce ...)
  metric:<metric>             England's distribution of one metric (get_benchmark)
  compare:<ODS>,<ODS>[:<metric>,<metric>]   practices side by side (compare_practices)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Annotated, Any

from portal.catalogue import METRICS
from portal.links import public_url
from portal.mcp.registry import ToolContext, ToolError, ToolOutput, registry
from portal.mcp.tools import common
from portal.mcp.tools.area_tools import TABLE
from portal.mcp.tools.common import Arg
from portal.mcp.validation import check_arguments
from portal.queries.areas import AREAS
from portal.queries.compare import MAX_PRACTICES
from portal.queries.practice_index import normalise
from portal.queries.practices import normalise_code
from portal.queries.search import MAX_QUERY_LENGTH, PracticeHit, search_practices

MAX_RESULTS = 20
MAX_PRACTICE_HITS = 5
MAX_METRIC_HITS = 5
MAX_AREAS = 3  # area ids per practice found
NAMED = 40  # a search score from a name, code, postcode or town (not a near spelling)
MAX_ID_LENGTH = 1000

# area slug (as in /practices/<ODS>/<area>) -> the tool answering for it
AREA_TOOLS = {row.area: row.name for row in TABLE}
# words of a search that name an area (beside its slug and title)
AREA_WORDS = {
    "registered-patients": "list size demographics population age sex",
    "appointments": "dna gpad booked",
    "online-consultations": "econsult econsultation",
    "telephony": "phone telephone calls callbacks",
    "workforce": "staff staffing fte gps nurses",
    "patient-experience": "survey gpps satisfaction",
    "prevalence": "disease diseases register registers conditions",
    "qof": "achievement quality outcomes framework points",
    "funding": "payments payment money income",
}
# dropped from a search before it is matched: question words and the names of what we hold
STOPWORDS = frozenset({
    "a", "about", "an", "and", "are", "at", "by", "compare", "compared", "data", "do", "does",
    "england", "figure", "figures", "find", "for", "from", "give", "how", "in", "is",
    "latest", "me", "median", "national", "nationally", "of", "on", "our", "practice",
    "practices", "show", "tell", "that", "they", "to", "versus", "vs", "were", "what", "whats",
    "which", "with"
})  # fmt: skip
# words of metric labels that alone pick nothing (too common), but break ties
WEAK = frozenset({
    "000", "1", "booked", "day", "gp", "made", "pct", "per", "rate", "registered", "share", "total"
})  # fmt: skip

ID_FORMS = (
    "practice:<ODS> (e.g. practice:A81001), practice:<ODS>:<area> (area one of "
    f"{', '.join(AREA_TOOLS)}), metric:<metric id> (e.g. metric:dna_rate), or "
    f"compare:<ODS>,<ODS>[:<metric>,<metric>] (up to {MAX_PRACTICES} codes, e.g. "
    "compare:A81001,B82005:dna_rate)"
)


@dataclass(frozen=True)
class SearchHit:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class SearchResults:
    results: list[SearchHit]  # best first


@dataclass(frozen=True)
class Metadata:
    kind: str  # practice | area | metric | compare
    tool: str  # the tool whose answer `text` is
    period: str | None  # the figures' period when they share one
    sources: list[str]  # each publication with its period
    synthetic: bool


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    url: str
    metadata: Metadata


SEARCH_SHAPE = common.Shape(SearchResults)
DOCUMENT_SHAPE = common.Shape(Document)


def _output(shape: common.Shape, value: Any) -> ToolOutput:
    """structuredContent, and the same object JSON-encoded as the one text item (OpenAI's form)."""
    structured = shape.dump(value)
    return ToolOutput(structured, json.dumps(structured, ensure_ascii=False))


# --- search ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w for w in normalise(text).split() if w not in STOPWORDS]


def _near(word: str, vocabulary: set[str]) -> bool:
    """The word itself or a longer or shorter form of it (appointment/appointments)."""
    return word in vocabulary or any(
        min(len(word), len(v)) >= 4 and (v.startswith(word) or word.startswith(v))
        for v in vocabulary
    )


def _metric_vocabulary() -> dict[str, set[str]]:
    return {m.id: set(_words(f"{m.label} {m.id}")) for m in METRICS.values()}


def _area_vocabulary() -> dict[str, set[str]]:
    return {
        slug: set(_words(f"{slug} {AREAS[slug].title} {AREA_WORDS.get(slug, '')}"))
        for slug in available_areas()
    }


def available_areas() -> list[str]:
    return [slug for slug, tool in AREA_TOOLS.items() if slug in AREAS and registry.get(tool)]


def _topics(words: list[str]) -> tuple[list[str], list[str], set[str]]:
    """The metrics and areas the words name (best first), and the words that named them."""
    scored = []
    used: set[str] = set()
    for metric, vocabulary in _metric_vocabulary().items():
        strong = {w for w in words if w not in WEAK and _near(w, vocabulary)}
        if strong:
            weak = {w for w in words if w in WEAK and w in vocabulary}
            used |= strong | weak
            scored.append((-len(strong), -len(weak), len(vocabulary), metric))
    scored.sort()
    best = scored[0][:2] if scored else None
    metrics = [s[3] for s in scored if s[:2] == best][:MAX_METRIC_HITS]
    areas = []
    for slug, vocabulary in _area_vocabulary().items():
        named = {w for w in words if w not in WEAK and _near(w, vocabulary)}
        if named:
            used |= named
            areas.append(slug)
    for metric in metrics:
        slug = _area_of(metric)
        if slug and slug not in areas:
            areas.append(slug)
    if areas and not metrics:  # an area alone: its metrics, for their national picture
        metrics = [m.id for m in AREAS[areas[0]].metrics][:MAX_METRIC_HITS]
    return metrics, areas, used


def _area_of(metric: str) -> str | None:
    dataset = METRICS[metric].dataset
    return next((s for s in available_areas() if dataset in AREAS[s].datasets), None)


Query = Annotated[
    str,
    Arg(
        "What to look for, e.g. 'Beech Surgery appointments', 'A81001', 'LS1 telephony' or "
        "'DNA rate'.",
        max_length=MAX_QUERY_LENGTH,
    ),
]
DocumentId = Annotated[
    str,
    Arg(
        "An id from search, e.g. practice:A81001, practice:A81001:appointments, "
        "metric:dna_rate or compare:A81001,B82005:dna_rate.",
        max_length=MAX_ID_LENGTH,
    ),
]


def search(ctx: ToolContext, query: Query) -> ToolOutput:
    ctx.query_length = len(query)
    if not query.strip():
        raise ToolError(
            "Enter words to search for: a practice's name, ODS code, postcode or town, and/or a "
            "metric or area such as 'DNA rate' or 'appointments'."
        )
    words = _words(query)
    metrics, areas, used = _topics(words)
    # ODS codes (a digit in them: "health" has the form of one too)
    codes = [c for c in dict.fromkeys(map(normalise_code, words)) if c and not c.isalpha()]
    by_code = [h for c in codes[:MAX_PRACTICES] for h in _practices([c]) if h.code == c]
    compared = by_code if len(by_code) > 1 else []  # several practices by code: side by side
    practices = list(compared)
    # topic words may yet be a practice's name ("Heart of the City Surgery")
    if used and not practices:
        practices = [p for p in _practices(words) if p.score >= NAMED]
        if practices:
            metrics, areas, used = [], [], set()
    if not practices:
        practices = _practices([w for w in words if w not in used and w not in WEAK])
    if practices:  # words of the practice's name or town name no topic ("Health Centre")
        named = set(normalise(f"{practices[0].name} {practices[0].town or ''}").split())
        if used & named:
            metrics, areas, used = _topics([w for w in words if w not in named])
    hits = []
    for p in practices:
        hits.append(SearchHit(f"practice:{p.code}", f"{p.name} ({p.code})", _practice_url(p.code)))
        hits += [
            SearchHit(
                f"practice:{p.code}:{slug}",
                f"{p.name} ({p.code}): {AREAS[slug].title}",
                _practice_url(p.code, slug),
            )
            for slug in areas[:MAX_AREAS]
        ]
    national = [
        SearchHit(
            f"metric:{m}",
            f"{METRICS[m].label}: England's practices",
            public_url("national.metric", metric=m),
        )
        for m in metrics
    ]
    # the best practice's documents, then the metrics asked about, then the other practices'
    first = 1 + len(areas[:MAX_AREAS]) if practices else 0
    hits = hits[:first] + national + hits[first:]
    if compared:
        found = [p.code for p in compared]
        labels = ": " + ", ".join(METRICS[m].label for m in metrics) if metrics else ""
        id_, url = _comparison(found, metrics)
        hits.insert(0, SearchHit(id_, f"Comparison of {', '.join(found)}{labels}", url))
    return _output(SEARCH_SHAPE, SearchResults(hits[:MAX_RESULTS]))


def _comparison(codes: list[str], metrics: list[str]) -> tuple[str, str]:
    """A comparison's id and the /compare page's url."""
    query = {"practices": ",".join(codes)}
    if metrics:
        query["metrics"] = ",".join(metrics)
    tail = f":{query['metrics']}" if metrics else ""
    return f"compare:{query['practices']}{tail}", public_url("compare.compare", **query)


def _practices(words: list[str]) -> list[PracticeHit]:
    return search_practices(" ".join(words), MAX_PRACTICE_HITS) if words else []


def _practice_url(code: str, area: str | None = None) -> str:
    if area is None:
        return public_url("practices.overview", code=code)
    return public_url("practices.area", code=code, area=area)


# --- fetch ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    """A parsed id: the tool and arguments that answer it, and the page showing the same."""

    id: str  # canonical: codes upper case, metrics and areas as listed
    kind: str  # practice | area | metric | compare
    tool: str
    arguments: dict[str, Any]
    url: str
    area: str | None = None


def parse_id(value: str) -> Request:
    kind, _, rest = value.strip().partition(":")
    parts = rest.split(":")
    if kind == "practice" and len(parts) == 1:
        code = _code(parts[0], value)
        return Request(
            f"practice:{code}", "practice", "get_practice_overview", {"practice": code},
            _practice_url(code),
        )  # fmt: skip
    if kind == "practice" and len(parts) == 2:
        code, slug = _code(parts[0], value), parts[1].strip().lower()
        if slug not in available_areas():
            raise ToolError(
                f"Unknown area '{slug[:40]}' in id '{value[:80]}'. Areas: "
                f"{', '.join(available_areas())}."
            )
        return Request(
            f"practice:{code}:{slug}", "area", AREA_TOOLS[slug], {"practice": code},
            _practice_url(code, slug), slug,
        )  # fmt: skip
    if kind == "metric" and len(parts) == 1 and parts[0].strip():
        metric = common.metric(parts[0].strip()).id
        return Request(
            f"metric:{metric}", "metric", "get_benchmark", {"metric": metric},
            public_url("national.metric", metric=metric),
        )  # fmt: skip
    if kind == "compare" and len(parts) in (1, 2):
        codes = list(dict.fromkeys(_code(c, value) for c in parts[0].split(",")))
        metrics = [common.metric(m.strip()).id for m in parts[1].split(",")] if parts[1:] else []
        id_, url = _comparison(codes, metrics)
        arguments: dict[str, Any] = {"practices": codes}
        if metrics:
            arguments["metrics"] = metrics
        return Request(id_, "compare", "compare_practices", arguments, url)
    raise _malformed(value)


def _code(text: str, value: str) -> str:
    code = normalise_code(text.strip())
    if code is None:
        raise _malformed(value)
    return code


def _malformed(value: str) -> ToolError:
    return ToolError(f"'{value[:80]}' is not an id this server knows. Ids are {ID_FORMS}.")


def fetch(ctx: ToolContext, id: DocumentId) -> ToolOutput:
    request = parse_id(id)
    spec = registry.get(request.tool)  # an area's tool: only ids of registered areas parse
    check_arguments(spec.resolved_input_schema(), request.arguments)
    answer = spec.handler(ctx, request.arguments)  # the same handler, the same figures
    structured = answer.structured
    periods, sources, synthetic = _provenance(structured)
    document = Document(
        id=request.id,
        title=_title(request, structured),
        text=answer.text,
        url=request.url,
        metadata=Metadata(
            kind=request.kind,
            tool=request.tool,
            period=periods[0] if len(periods) == 1 else None,
            sources=sources,
            synthetic=synthetic,
        ),
    )
    return _output(DOCUMENT_SHAPE, document)


def _title(request: Request, structured: dict[str, Any]) -> str:
    practice = structured.get("practice") or {}
    name = f"{practice.get('name')} ({practice.get('code')})" if practice else ""
    if request.kind == "practice":
        return f"{name}: overview"
    if request.kind == "area":
        return f"{name}: {AREAS[request.area].title}"
    if request.kind == "metric":
        return f"{METRICS[request.arguments['metric']].label}: England's practices"
    codes = ", ".join(p["code"] for p in structured.get("practices", []))
    labels = ", ".join(m["label"] for m in structured.get("metrics", []))
    return f"Comparison of {codes}: {labels}"


def _provenance(value: Any) -> tuple[list[str], list[str], bool]:
    """The periods and sources of every figure in a tool's answer, and whether any is synthetic."""
    periods: dict[str, None] = {}
    sources: dict[str, None] = {}
    synthetic = False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, dict):
            if isinstance(item.get("source"), str) and isinstance(item.get("period"), str):
                periods[item["period"]] = None
                sources[item["source"]] = None
            for source in item.get("sources") or ():
                if isinstance(source, str):
                    sources[source] = None
            synthetic = synthetic or item.get("synthetic") is True
            stack.extend(reversed(list(item.values())))
    return list(periods), list(sources), synthetic


TOOLS = [
    common.typed_tool(
        search,
        name="search",
        title="Search (deep research)",
        description="Search GP practices in England (by name, typos forgiven, ODS code, postcode "
        "or town) and the figures held on them (metrics such as 'DNA rate', areas such as "
        "'appointments' or 'workforce'). Returns up to "
        f"{MAX_RESULTS} results, best first, each an id for fetch with a title and the public "
        "page's url. Ids: practice:<ODS> (a practice's overview), practice:<ODS>:<area> (one "
        f"area: {', '.join(AREA_TOOLS)}), metric:<metric id> (England's distribution of a "
        "metric), and for several ODS codes compare:<ODS>,<ODS>[:<metric>,...] (the "
        "practices side by side).",
        output_schema=SEARCH_SHAPE.schema,
    ),
    common.typed_tool(
        fetch,
        name="fetch",
        title="Fetch (deep research)",
        description="Fetch one document by the id a search returned: its title, the full text "
        "(every figure with its period, source publication and whether it is synthetic), the "
        f"public page's url and small metadata. Ids are {ID_FORMS}. A practice that does not "
        "exist or may not be read gets 'not found or access denied'.",
        output_schema=DOCUMENT_SHAPE.schema,
    ),
]
