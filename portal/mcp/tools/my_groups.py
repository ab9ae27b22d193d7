"""list_my_groups: the caller's saved groups, the ids get_benchmark takes as within=group:<id>."""

from __future__ import annotations

from dataclasses import dataclass

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput
from portal.mcp.tools import common
from portal.queries.saved_groups import PREFIX, get_group, my_groups

SOURCE = "Your saved groups on Haresign"


@dataclass(frozen=True)
class MyGroup:
    id: int
    within: str  # what get_benchmark's `within` takes for this group
    name: str
    practices: list[str]  # ODS codes


@dataclass(frozen=True)
class MyGroups:
    groups: list[MyGroup]
    source: str
    synthetic: bool


SHAPE = common.Shape(MyGroups)


def cell(name: str) -> str:
    """A user's group name as one markdown table cell (a `|` in it would split the row)."""
    return name.replace("|", "\\|")


def list_my_groups(ctx: ToolContext) -> ToolOutput:
    found = []
    for summary in my_groups(ctx.user):
        detail = get_group(ctx.user, summary.id)
        found.append(MyGroup(detail.id, f"{PREFIX}{detail.id}", detail.name, detail.codes))
    result = MyGroups(found, SOURCE, False)
    rendered = (
        "Your saved groups (use `within` with get_benchmark to compare a practice with one):\n"
        + text.table(
            ["within", "Name", "Practices"],
            ([g.within, cell(g.name), ", ".join(g.practices) or "none yet"] for g in found),
        )
        if found
        else "You have no saved groups. Create them on Haresign's Your saved groups page (/groups)."
    )
    return ToolOutput(SHAPE.dump(result), rendered)


TOOLS = [
    common.typed_tool(
        list_my_groups,
        name="list_my_groups",
        title="My saved groups",
        description="The signed-in user's saved groups of practices (named by them, e.g. a "
        "locality or federation), each with its practices' ODS codes and the `within` value "
        "(group:<id>) that get_benchmark takes to set a practice beside the group's value (ratio "
        "of sums over its practices). Call this when the user mentions 'my group' or a group "
        "by name.",
        output_schema=SHAPE.schema,
    )
]
