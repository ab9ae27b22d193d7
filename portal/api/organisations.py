"""The API's organisation routes (PCNs, sub-ICB locations, ICBs, regions): list, details,
figures, SPC chart, group dashboard and member practices."""

from __future__ import annotations

from dataclasses import replace

from portal.api.common_params import (
    LEVEL_PATH,
    METRIC_FILTER,
    METRIC_PATH,
    ORG_CODE_PATTERN,
    ORG_PATH,
    PERIOD,
    parse_org_code,
)
from portal.api.errors import ApiError, not_found
from portal.api.params import Param, parse_choice
from portal.api.responses import page_of
from portal.api.routes import Route
from portal.api.trends import TREND_DESCRIPTION, TREND_PARAMS, monthly
from portal.catalogue import METRICS
from portal.queries.figures import GroupFigure, group_figures
from portal.queries.groups import SORTS, GroupNotFound, GroupOverview, MemberFigure, group_overview
from portal.queries.organisations import (
    LEVEL_NAMES,
    PARENT,
    OrganisationDetail,
    OrganisationSummary,
    get_organisation,
    list_organisations,
    organisation_exists,
)
from portal.queries.trend import TrendChart, group_trend_chart


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


def organisation_trend(
    user, level: str, code: str, metric: str, months: int = 24, baseline: int | None = None
) -> TrendChart | None:
    return monthly(lambda: group_trend_chart(level, code, metric, months, baseline))


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
    return page_of(found.comparison.members if found.comparison else [], offset, limit)


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


ROUTES = [
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
]
