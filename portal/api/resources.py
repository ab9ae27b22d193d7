"""The developer API's resources: a declarative table of routes over named query functions.

Each handler is a thin call into the query layer; parameters carry their own parsers and
schemas (see routing.py), so the OpenAPI document and the behaviour come from one place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from portal.access import public_practice
from portal.api.routing import ApiError, Param, Route, not_found, parse_choice, parse_int
from portal.catalogue import METRICS, Metric
from portal.queries.area_view import Breakdown, Details, SeriesMonth, area_view
from portal.queries.areas import AREAS, Area, MetricPanel
from portal.queries.benchmarks import benchmark_or_national, practice_benchmark
from portal.queries.datasets import LoadedDataset, loaded_datasets
from portal.queries.figures import (
    GroupFigure,
    PracticeFigure,
    group_figures,
    metrics_of,
    practice_figures,
)
from portal.queries.groups import (
    SORTS,
    GroupNotFound,
    GroupOverview,
    MemberFigure,
    group_overview,
)
from portal.queries.organisations import (
    LEVEL_NAMES,
    LEVELS,
    PARENT,
    OrganisationDetail,
    OrganisationSummary,
    PracticeSummary,
    get_organisation,
    list_organisations,
    list_practices,
    organisation_exists,
)
from portal.queries.patients import AgePyramid
from portal.queries.peers import Peer, practice_peers
from portal.queries.practices import ODS_PRACTICE_CODE, PracticeDetails
from portal.queries.search import MAX_LIMIT, PracticeHit, clean_query, search_practices
from portal.queries.trend import NotMonthly, TrendChart, group_trend_chart, practice_trend_chart
from portal.queries.types import Benchmark

PERIOD_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
ORG_CODE_PATTERN = r"^[A-Za-z0-9]{2,10}$"
PRACTICE_PATTERN = r"^[A-Za-z][0-9A-Za-z]{5}$"


def _datasets() -> list[str]:
    return sorted({m.dataset for m in METRICS.values()})


# --- parsers: each raises ValueError with a message; the view names the parameter ----------


def parse_practice_code(text: str) -> str:
    code = text.strip().upper()
    if not ODS_PRACTICE_CODE.fullmatch(code):
        raise ValueError("must be an ODS practice code such as A81001")
    return code


def parse_period(text: str) -> str:
    if not re.fullmatch(PERIOD_PATTERN, text.strip()):
        raise ValueError("must be a period such as 2025-12 (a month) or 2021-22 (a year)")
    return text.strip()


def parse_org_code(text: str) -> str:
    code = text.strip().upper()
    if not re.fullmatch(ORG_CODE_PATTERN, code):
        raise ValueError("must be an ODS code of 2 to 10 letters and digits")
    return code


def organisation_parser(level: str):
    def parse(text: str) -> str:
        code = parse_org_code(text)
        if not organisation_exists(level, code):
            raise ValueError(f"no {LEVEL_NAMES[level].lower()} with the code {code}")
        return code

    return parse


# --- parameters -------------------------------------------------------------------------------

PRACTICE_PATH = Param(
    "code",
    "The practice's ODS code, e.g. A81001.",
    {"type": "string", "pattern": PRACTICE_PATTERN},
    parse_practice_code,
    location="path",
    ods=True,
)
PRACTICE_FILTER = Param(
    "practice",
    "Only this practice (ODS code).",
    {"type": "string", "pattern": PRACTICE_PATTERN},
    parse_practice_code,
    ods=True,
)
ORGANISATION_FILTERS = tuple(
    Param(
        level,
        f"Only practices in this {LEVEL_NAMES[level].lower()} (ODS code).",
        {"type": "string", "pattern": ORG_CODE_PATTERN},
        organisation_parser(level),
        ods=True,
    )
    for level in LEVELS
)
PERIOD = Param(
    "period",
    "Only this period: a month `YYYY-MM` for monthly publications, `YYYY-YY` for annual ones.",
    {"type": "string", "pattern": PERIOD_PATTERN},
    parse_period,
)
METRIC_FILTER = Param(
    "metric",
    "Only this metric (an id from /metrics).",
    lambda: {"type": "string", "enum": sorted(METRICS)},
    parse_choice(lambda: sorted(METRICS)),
)
METRIC_PATH = Param(
    "metric",
    "A metric id from /metrics.",
    lambda: {"type": "string", "enum": sorted(METRICS)},
    parse_choice(lambda: sorted(METRICS)),
    location="path",
)
LEVEL_PATH = Param(
    "level",
    "pcn, sub_icb, icb or region.",
    {"type": "string", "enum": list(LEVELS)},
    parse_choice(list(LEVELS)),
    location="path",
)
ORG_PATH = Param(
    "code",
    "The organisation's ODS code.",
    {"type": "string", "pattern": ORG_CODE_PATTERN},
    parse_org_code,
    location="path",
    ods=True,
)
DATASET_PATH = Param(
    "dataset",
    "A dataset with metrics in the catalogue.",
    lambda: {"type": "string", "enum": _datasets()},
    parse_choice(_datasets),
    location="path",
)


# --- response shapes made here (the rest are the query layer's own dataclasses) ----------------


@dataclass(frozen=True)
class PracticeArea:
    """One dashboard area for a practice, as /practices/<code>/<area> and the MCP area tools
    show it (portal.queries.area_view): each metric's latest figure with its benchmarks, its
    trend beside England (`england_total`: every practice combined; `england_median_practice`:
    the median open practice; `england_trend_is` names the one drawn), the area's details, the
    latest month's breakdowns, the series period by period, and patients by age and sex for the
    registered-patients area."""

    practice_code: str
    area: Area
    panels: list[MetricPanel]
    details: Details | None
    breakdowns: list[Breakdown]
    series: list[SeriesMonth]
    age_pyramid: AgePyramid | None


# --- handlers: thin calls into the query layer -------------------------------------------------


def _slice(items: list, offset: int, limit: int) -> tuple[int, list]:
    return len(items), items[offset : offset + limit]


def search(user, q: str, offset: int, limit: int) -> tuple[int, list[PracticeHit]]:
    return _slice(search_practices(q, limit=MAX_LIMIT), offset, limit)


def practices(user, offset: int, limit: int, status: str | None = None, **filters):
    return list_practices(filters, status=status, offset=offset, limit=limit)


def practice_detail(user, code: str) -> PracticeDetails:
    return public_practice(user, code, "api")


def peers(user, code: str, offset: int, limit: int) -> tuple[int, list[Peer]]:
    """The practice's 10 most similar practices (the "similar practices" comparator)."""
    return _slice(practice_peers(public_practice(user, code, "api").code), offset, limit)


def practice_area(user, code: str, area: str, months: int = 24) -> PracticeArea:
    view = area_view(public_practice(user, code, "api"), area, months)
    return PracticeArea(
        view.practice.code, view.area, view.panels, view.details, view.breakdowns, view.series,
        view.age_pyramid,
    )  # fmt: skip


def organisations(user, level: str, offset: int, limit: int, parent: str | None = None):
    if parent is not None:
        above = PARENT[level]
        if above is None:
            raise ApiError(400, "parent: regions have no parent organisation", "parent")
        if not organisation_exists(above, parent):
            raise ApiError(
                400, f"parent: no {LEVEL_NAMES[above].lower()} with the code {parent}", "parent"
            )
    return list_organisations(level, parent=parent, offset=offset, limit=limit)


def organisation_detail(user, level: str, code: str) -> OrganisationDetail | None:
    return get_organisation(level, code)


def organisation_figures(user, level: str, code: str, offset: int, limit: int, **filters):
    if not organisation_exists(level, code):
        raise not_found()
    metric = filters.get("metric")
    return group_figures(
        level,
        code,
        [metric] if metric else sorted(METRICS),
        period=filters.get("period"),
        offset=offset,
        limit=limit,
    )


def datasets(user, offset: int, limit: int) -> tuple[int, list[LoadedDataset]]:
    return _slice(loaded_datasets(), offset, limit)


def dataset_figures(user, dataset: str, offset: int, limit: int, **filters):
    metric = filters.pop("metric", None)
    metric_ids = metrics_of(dataset)
    if metric is not None:
        if metric not in metric_ids:
            raise ApiError(400, f"metric: {metric} is not a metric of {dataset}", "metric")
        metric_ids = [metric]
    practice = filters.pop("practice", None)
    if practice is not None:
        practice = public_practice(user, practice, "api").code
    period = filters.pop("period", None)
    return practice_figures(
        metric_ids, filters, practice=practice, period=period, offset=offset, limit=limit
    )


def metrics(user, offset: int, limit: int) -> tuple[int, list[Metric]]:
    return _slice(list(METRICS.values()), offset, limit)


def metric_detail(user, metric: str) -> Metric:
    return METRICS[metric]


def benchmark(user, metric: str, practice: str, period: str | None = None) -> Benchmark | None:
    """As `get_benchmark` on MCP: without a period, a practice with no figure still gets the
    metric's latest national distribution and group values."""
    found = public_practice(user, practice, "api")
    return (
        practice_benchmark(found, metric, period)
        if period
        else benchmark_or_national(found, metric)
    )


def _monthly(make):
    """A chart, or 400 naming the monthly metrics when the metric is annual."""
    try:
        return make()
    except NotMonthly as exc:
        raise ApiError(400, f"metric: {exc}", "metric") from None


def practice_trend(
    user, code: str, metric: str, months: int = 24, baseline: int | None = None
) -> TrendChart | None:
    practice = public_practice(user, code, "api")
    return _monthly(lambda: practice_trend_chart(practice, metric, months, baseline))


def organisation_trend(
    user, level: str, code: str, metric: str, months: int = 24, baseline: int | None = None
) -> TrendChart | None:
    return _monthly(lambda: group_trend_chart(level, code, metric, months, baseline))


def organisation_overview(
    user, level: str, code: str, metric: str | None = None, sort: str | None = None
) -> GroupOverview | None:
    """The group dashboard's figures (/pcns/<code> and the others) and, with a metric, its
    member practices side by side: the same figures as the page and get_group_overview."""
    try:
        return group_overview(level, code, metric, sort)
    except GroupNotFound:
        return None


def organisation_members(
    user, level: str, code: str, metric: str, offset: int, limit: int, sort: str | None = None
) -> tuple[int, list[MemberFigure]]:
    found = organisation_overview(user, level, code, metric, sort)
    if found is None:
        raise not_found()
    return _slice(found.comparison.members if found.comparison else [], offset, limit)


SORT_PARAM = Param(
    "sort",
    "Order of the member practices: name, code, value or change; a leading - reverses "
    "(practices without a value come last either way). Default: name.",
    {"type": "string", "enum": [k for key in SORTS for k in (key, f"-{key}")]},
    parse_choice([k for key in SORTS for k in (key, f"-{key}")]),
)
GROUP_DESCRIPTION = (
    "Each figure is the group's ratio of sums over its member practices (a sum for counts), "
    "precomputed at load time; change is since the period before; the SPC variation is the "
    "latest month's Making Data Count category. With a metric, every member practice's value "
    "in the group's latest period with its 95% interval, change, SPC signal and funnel band "
    "against England (99.8% limits flag outliers). The same figures as the page and the MCP "
    "tool get_group_overview."
)


# --- the route table ---------------------------------------------------------------------------

FIGURE_FILTERS = (PRACTICE_FILTER, *ORGANISATION_FILTERS, PERIOD)
TREND_PARAMS = (
    replace(METRIC_PATH, description="A monthly metric id from /metrics (annual ones are a 400)."),
    Param(
        "months",
        "How many of the latest months to chart (2 to 120).",
        {"type": "integer", "minimum": 2, "maximum": 120, "default": 24},
        parse_int(2, 120),
    ),
    Param(
        "baseline",
        "The limits come from the first `baseline` months charted (default: all of them).",
        {"type": "integer", "minimum": 2, "maximum": 120},
        parse_int(2, 120),
    ),
)
TREND_DESCRIPTION = (
    "A Making Data Count XmR chart: each month's value with the special-cause rules it takes "
    "part in (beyond_limit, trend, two_of_three, run) and its variation category, the mean, the "
    "natural process limits (mean ± 2.66 × mean moving range), trial limits below 12 values, "
    "and the variation icon (the latest value's category). `breaks` lists the series breaks "
    "(the publisher's changes of method) inside the months charted, each with its first period "
    "and reason. The same chart as the area pages and the MCP tool get_trend."
)

ROUTES: list[Route] = [
    Route(
        "/practices/search",
        "search_practices",
        "Practices",
        "Search practices by name, ODS code, postcode or town",
        search,
        PracticeHit,
        (
            Param(
                "q",
                "Search terms (at most 100 characters): words of a name (typos and punctuation "
                "forgiven), an ODS code or its start, a postcode or its start, or a town.",
                {"type": "string", "minLength": 1, "maxLength": 100},
                clean_query,
                required=True,
                free_text=True,
            ),
        ),
        paginated=True,
        description=f"The best {MAX_LIMIT} matches: code, then postcode, then name, then town, "
        "then close spellings of the name; open practices before closed ones.",
    ),
    Route(
        "/practices",
        "list_practices",
        "Practices",
        "List GP practices in England, optionally within an organisation",
        practices,
        PracticeSummary,
        (
            *ORGANISATION_FILTERS,
            Param(
                "status",
                "Only practices with this ODS status.",
                {"type": "string", "enum": ["active", "closed", "dormant"]},
                parse_choice(["active", "closed", "dormant"]),
            ),
        ),
        paginated=True,
        description="Ordered by ODS code.",
    ),
    Route(
        "/practices/{code}",
        "get_practice",
        "Practices",
        "A practice's details and its PCN, sub-ICB location, ICB and region",
        practice_detail,
        PracticeDetails,
        (PRACTICE_PATH,),
        may_not_find=True,
    ),
    Route(
        "/practices/{code}/peers",
        "list_practice_peers",
        "Practices",
        "A practice's 10 most similar practices in England, most similar first",
        peers,
        Peer,
        (PRACTICE_PATH,),
        paginated=True,
        may_not_find=True,
        description="By standardised distance over deprivation score, list size, the shares "
        "aged 65+ and under 18, dispensing status and rurality; the comparator 'similar "
        "practices' in every benchmark.",
    ),
    Route(
        "/practices/{code}/{area}",
        "get_practice_area",
        "Practices",
        "One dashboard area for a practice: every metric's latest figure, benchmarks and trend, "
        "its details, breakdowns and series",
        practice_area,
        PracticeArea,
        (
            PRACTICE_PATH,
            Param(
                "area",
                "The area, as in the page address /practices/<code>/<area>: "
                + ", ".join(AREAS)
                + ".",
                {"type": "string", "enum": list(AREAS)},
                parse_choice(list(AREAS)),
                location="path",
            ),
            Param(
                "months",
                "How many of the latest periods each trend covers (1 to 120).",
                {"type": "integer", "minimum": 1, "maximum": 120, "default": 24},
                parse_int(1, 120),
            ),
        ),
        may_not_find=True,
        description="The same figures as the practice's area page and the MCP area tools. "
        "Metrics with no value for the practice are left out. `details` is workforce, patient "
        "experience or funding beyond the metrics (null elsewhere); `breakdowns` split the "
        "latest month of appointments (status, staff type, mode, booking lead time), telephony "
        "(answered calls by wait and by length) and online consultations (type, weekday, time "
        "of day); `series` is every metric's value period by period. England is named twice: "
        "`england_total` (every practice combined) and `england_median_practice`.",
    ),
    Route(
        "/practices/{code}/trends/{metric}",
        "get_practice_trend",
        "Figures",
        "A practice's monthly metric as an SPC (XmR) chart: points, signals, mean and limits",
        practice_trend,
        TrendChart,
        (PRACTICE_PATH, *TREND_PARAMS),
        may_not_find=True,
        description=TREND_DESCRIPTION,
    ),
    Route(
        "/organisations/{level}",
        "list_organisations",
        "Organisations",
        "List PCNs, sub-ICB locations, ICBs or regions",
        organisations,
        OrganisationSummary,
        (
            LEVEL_PATH,
            Param(
                "parent",
                "Only organisations within this parent (a PCN's sub-ICB location, a sub-ICB "
                "location's ICB, an ICB's region).",
                {"type": "string", "pattern": ORG_CODE_PATTERN},
                parse_org_code,
                ods=True,
            ),
        ),
        paginated=True,
        may_not_find=True,
        description="Ordered by name, with each organisation's number of open practices.",
    ),
    Route(
        "/organisations/{level}/{code}",
        "get_organisation",
        "Organisations",
        "An organisation, the organisations above it and its member practices",
        organisation_detail,
        OrganisationDetail,
        (LEVEL_PATH, ORG_PATH),
        may_not_find=True,
    ),
    Route(
        "/organisations/{level}/{code}/figures",
        "get_organisation_figures",
        "Figures",
        "An organisation's figures: ratio of sums (or sums) over its practices",
        organisation_figures,
        GroupFigure,
        (LEVEL_PATH, ORG_PATH, METRIC_FILTER, PERIOD),
        paginated=True,
        may_not_find=True,
        description="Ordered by metric and period.",
    ),
    Route(
        "/organisations/{level}/{code}/trends/{metric}",
        "get_organisation_trend",
        "Figures",
        "An organisation's monthly metric (ratio of sums, or sum) as an SPC (XmR) chart",
        organisation_trend,
        TrendChart,
        (LEVEL_PATH, ORG_PATH, *TREND_PARAMS),
        may_not_find=True,
        description=TREND_DESCRIPTION,
    ),
    Route(
        "/organisations/{level}/{code}/overview",
        "get_organisation_overview",
        "Organisations",
        "A group dashboard: the group's figures for every area and its member practices",
        organisation_overview,
        GroupOverview,
        (
            LEVEL_PATH,
            ORG_PATH,
            replace(
                METRIC_FILTER,
                description="Also compare every member "
                "practice on this metric (an id from /metrics).",
            ),
            SORT_PARAM,
        ),
        may_not_find=True,
        description=GROUP_DESCRIPTION,
    ),
    Route(
        "/organisations/{level}/{code}/members/{metric}",
        "list_organisation_members",
        "Organisations",
        "Every member practice's value of one metric beside its group's and England's",
        organisation_members,
        MemberFigure,
        (LEVEL_PATH, ORG_PATH, METRIC_PATH, SORT_PARAM),
        paginated=True,
        may_not_find=True,
        description=GROUP_DESCRIPTION,
    ),
    Route(
        "/datasets",
        "list_datasets",
        "Figures",
        "The datasets loaded: how many periods, the latest, and whether synthetic",
        datasets,
        LoadedDataset,
        paginated=True,
    ),
    Route(
        "/datasets/{dataset}/figures",
        "get_dataset_figures",
        "Figures",
        "Practice figures of one dataset's metrics, filtered",
        dataset_figures,
        PracticeFigure,
        (DATASET_PATH, METRIC_FILTER, *FIGURE_FILTERS),
        paginated=True,
        may_not_find=True,
        one_of_required=("practice", *LEVELS, "period"),
        description="One row per practice, metric and period, ordered that way; every figure "
        "names its period, its source publication and whether it is synthetic.",
    ),
    Route(
        "/metrics",
        "list_metrics",
        "Metrics",
        "The metric catalogue: every metric's definition, unit, polarity and caveats",
        metrics,
        Metric,
        paginated=True,
    ),
    Route(
        "/metrics/{metric}",
        "get_metric",
        "Metrics",
        "One metric's definition",
        metric_detail,
        Metric,
        (METRIC_PATH,),
        may_not_find=True,
    ),
    Route(
        "/benchmarks/{metric}",
        "get_benchmark",
        "Figures",
        "A practice's figure beside its PCN, sub-ICB, ICB, region and England, and its national "
        "percentile",
        benchmark,
        Benchmark,
        (METRIC_PATH, replace(PRACTICE_FILTER, required=True), PERIOD),
        may_not_find=True,
        description="The practice's latest period unless `period` is given.",
    ),
]

from portal.api.saved_groups import ROUTES as SAVED_GROUP_ROUTES  # noqa: E402

ROUTES += SAVED_GROUP_ROUTES  # /groups: the key owner's saved groups
