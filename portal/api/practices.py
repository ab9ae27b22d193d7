"""The API's practice routes: search, list, details, headline figures, similar practices, a
dashboard area and a metric's SPC chart."""

from __future__ import annotations

from dataclasses import dataclass

from portal.access import public_practice
from portal.api.common_params import ORGANISATION_FILTERS, PRACTICE_PATH
from portal.api.params import Param, parse_choice, parse_int
from portal.api.responses import page_of
from portal.api.routes import Route
from portal.api.trends import TREND_DESCRIPTION, TREND_PARAMS, monthly
from portal.queries.area_view import Breakdown, Details, SeriesMonth, area_view
from portal.queries.areas import AREAS, Area, MetricPanel
from portal.queries.organisations import PracticeSummary, list_practices
from portal.queries.overview import PracticeOverview, practice_overview
from portal.queries.patients import AgePyramid
from portal.queries.peers import Peer, practice_peers
from portal.queries.practices import PracticeDetails
from portal.queries.search import MAX_LIMIT, PracticeHit, clean_query, search_practices
from portal.queries.trend import TrendChart, practice_trend_chart


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


def search(user, q: str, offset: int, limit: int) -> tuple[int, list[PracticeHit]]:
    return page_of(search_practices(q, limit=MAX_LIMIT), offset, limit)


def practices(user, offset: int, limit: int, status: str | None = None, **filters):
    return list_practices(filters, status=status, offset=offset, limit=limit)


def practice_detail(user, code: str) -> PracticeDetails:
    return public_practice(user, code, "api")


def overview(user, code: str) -> PracticeOverview:
    """The practice's headline figures: the overview page's and get_practice_overview's."""
    return practice_overview(public_practice(user, code, "api"))


def peers(user, code: str, offset: int, limit: int) -> tuple[int, list[Peer]]:
    """The practice's 10 most similar practices (the "similar practices" comparator)."""
    return page_of(practice_peers(public_practice(user, code, "api").code), offset, limit)


def practice_area(user, code: str, area: str, months: int = 24) -> PracticeArea:
    view = area_view(public_practice(user, code, "api"), area, months)
    return PracticeArea(
        view.practice.code, view.area, view.panels, view.details, view.breakdowns, view.series,
        view.age_pyramid,
    )  # fmt: skip


def practice_trend(
    user, code: str, metric: str, months: int = 24, baseline: int | None = None
) -> TrendChart | None:
    practice = public_practice(user, code, "api")
    return monthly(lambda: practice_trend_chart(practice, metric, months, baseline))


ROUTES = [
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
        "/practices/{code}/overview",
        "get_practice_overview",
        "Practices",
        "A practice's headline figures, each beside England (every practice combined) and the "
        "median practice",
        overview,
        PracticeOverview,
        (PRACTICE_PATH,),
        may_not_find=True,
        description="The headline set the practice's overview page and the MCP tool "
        "get_practice_overview show: each metric in the practice's own latest period, or the "
        "metric's latest with `practice` null when none of it is loaded for the practice; "
        "`percentile` is its national rank (`not_ranked` says why when there is none).",
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
]
