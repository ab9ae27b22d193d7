"""The API's saved-group routes: the key owner's groups and a group's value of a metric (the
same "not found or access denied" for another user's group as for a missing one)."""

from __future__ import annotations

from portal.api.errors import ApiError
from portal.api.params import Param, parse_choice
from portal.api.routes import Route
from portal.catalogue import METRICS
from portal.queries import saved_groups as sg
from portal.queries.saved_groups import GroupBenchmark, SavedGroupSummary


def parse_group(text: str) -> int:
    number = sg.parse_group_id(text)
    if number is None or text.startswith(sg.PREFIX):
        raise ValueError("must be a saved group's number")
    return number


GROUP_PATH = Param(
    "group_id",
    "A saved group's id, from /groups.",
    {"type": "integer", "minimum": 1},
    parse_group,
    location="path",
)
METRIC = Param(
    "metric",
    "A metric id from /metrics.",
    lambda: {"type": "string", "enum": sorted(METRICS)},
    parse_choice(lambda: sorted(METRICS)),
    location="path",
)
PERIOD = Param(
    "period",
    "Only this period (default: the latest with a figure for any of the group's practices).",
    {"type": "string", "maxLength": 10},
    lambda text: text.strip()[:10],
)


def groups(user, offset: int, limit: int) -> tuple[int, list[SavedGroupSummary]]:
    found = sg.my_groups(user)
    return len(found), found[offset : offset + limit]


def group_benchmark(user, group_id: int, metric: str, period: str | None = None) -> GroupBenchmark:
    try:
        return sg.group_benchmark(user, group_id, metric, period)
    except sg.GroupError as exc:
        raise ApiError(404, str(exc)) from None


ROUTES = [
    Route(
        "/groups",
        "list_my_groups",
        "Saved groups",
        "Your saved groups of practices (the key owner's), with how many practices each holds",
        groups,
        SavedGroupSummary,
        paginated=True,
    ),
    Route(
        "/groups/{group_id}/benchmarks/{metric}",
        "get_group_benchmark",
        "Saved groups",
        "A saved group's value of a metric (ratio of sums over its practices) beside England's, "
        "with each practice's figure",
        group_benchmark,
        GroupBenchmark,
        (GROUP_PATH, METRIC, PERIOD),
        may_not_find=True,
        description="Another user's group and a missing one get the same 404.",
    ),
]
