"""What the practice and organisation trend routes share: their parameters, description and
the 400 for an annual metric."""

from __future__ import annotations

from dataclasses import replace

from portal.api.common_params import METRIC_PATH
from portal.api.errors import ApiError
from portal.api.params import Param, parse_int
from portal.queries.trend import NotMonthly

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
    "(the publisher's changes of method; of a practice, its mergers from ODS's successor file) "
    "inside the months charted, each with its first period and reason. The same chart as the area pages and the MCP tool get_trend."
)


def monthly(make):
    """A chart, or 400 naming the monthly metrics when the metric is annual."""
    try:
        return make()
    except NotMonthly as exc:
        raise ApiError(400, f"metric: {exc}", "metric") from None
