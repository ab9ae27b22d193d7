"""list_my_practices and get_private_data: what only a practice's own members may read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal import access
from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import common
from portal.queries.private_data import SOURCE, PrivateMonth
from portal.queries.private_data import get_private_data as read_private


@dataclass(frozen=True)
class MyPractices:
    practices: list[access.MyPractice]
    source: str
    synthetic: bool


@dataclass(frozen=True)
class PrivateResult:
    practice_code: str
    practice_name: str
    months: list[PrivateMonth]  # newest first, the current value of each measure
    source: str
    synthetic: bool


MY_SHAPE = common.Shape(MyPractices)
PRIVATE_SHAPE = common.Shape(PrivateResult)


def list_my_practices(ctx: ToolContext, _arguments: dict[str, Any]) -> ToolOutput:
    mine = access.my_practices(ctx.user)
    result = MyPractices(mine, "Your active roles on Haresign", False)
    lines = [f"- {p.code} {p.name} ({p.role})" for p in mine] or [
        "You hold no active practice role, so no private data is available to you."
    ]
    return ToolOutput(MY_SHAPE.dump(result), "\n".join(lines))


def get_private_data(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    code = common.practice_code(arguments["practice"])
    ctx.touch(code)
    data = read_private(ctx.user, code, history_limit=0)
    result = PrivateResult(
        data.practice_code, data.practice_name, data.months, data.source, data.synthetic
    )
    lines = [
        f"{data.practice_name} ({data.practice_code}): private figures entered by the practice."
    ]
    for month in data.months[:12]:
        values = "; ".join(
            f"{v.label} {v.value if v.value is not None else 'n/a'}" for v in month.values.values()
        )
        lines.append(f"- {month.period}: {values}")
    if not data.months:
        lines.append("No private figures have been entered yet.")
    lines.append(f"Source: {SOURCE}.")
    return ToolOutput(PRIVATE_SHAPE.dump(result), "\n".join(lines))


TOOLS = [
    ToolSpec(
        name="list_my_practices",
        title="My practices",
        description="The practices where you (the signed-in user) hold an active role, with the "
        "role: call this when the user says 'my practice' or 'our practice'. Only these "
        "practices' private data can be read with get_private_data.",
        input_schema=common.object_schema({}),
        output_schema=MY_SHAPE.schema,
        handler=list_my_practices,
    ),
    ToolSpec(
        name="get_private_data",
        title="Private practice data",
        description="Figures a practice's own members entered on Haresign (not published "
        "nationally), by month, newest first, with who entered each. Only for a practice where "
        "you hold an active role (see list_my_practices); any other practice gets 'Not found "
        "or access denied.'",
        input_schema=common.object_schema({"practice": common.PRACTICE}, ("practice",)),
        output_schema=PRIVATE_SHAPE.schema,
        handler=get_private_data,
    ),
]
