"""list_my_practices and get_private_data: what only a practice's own members may read."""

from __future__ import annotations

from dataclasses import dataclass

from portal import access
from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput
from portal.mcp.tools import common
from portal.mcp.tools.common import Practice
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


def list_my_practices(ctx: ToolContext) -> ToolOutput:
    mine = access.my_practices(ctx.user)
    result = MyPractices(mine, "Your active roles on Haresign", False)
    rendered = (
        "Your practices (where you hold an active role):\n"
        + text.table(["ODS code", "Name", "Role"], ([p.code, p.name, p.role] for p in mine))
        if mine
        else "You hold no active practice role, so no private data is available to you."
    )
    return ToolOutput(MY_SHAPE.dump(result), rendered)


def get_private_data(ctx: ToolContext, practice: Practice) -> ToolOutput:
    code = common.practice_code(practice)
    ctx.touch(code)
    data = read_private(ctx.user, code, history_limit=0)
    result = PrivateResult(
        data.practice_code, data.practice_name, data.months, data.source, data.synthetic
    )
    labels = {key: v.label for m in data.months for key, v in m.values.items()}
    rows = ([m.period, *(_value(m.values.get(key)) for key in labels)] for m in data.months)
    rendered = text.sections(
        f"{data.practice_name} ({data.practice_code}): private figures entered by the practice.",
        text.table(["Period", *labels.values()], rows)
        if data.months
        else "No private figures have been entered yet.",
        f"Source: {SOURCE}.",
    )
    return ToolOutput(PRIVATE_SHAPE.dump(result), rendered)


def _value(entry) -> str | None:
    return None if entry is None or entry.value is None else f"{entry.value:,g}"


TOOLS = [
    common.typed_tool(
        list_my_practices,
        name="list_my_practices",
        title="My practices",
        description="The practices where you (the signed-in user) hold an active role, with the "
        "role: call this when the user says 'my practice' or 'our practice'. Only these "
        "practices' private data can be read with get_private_data.",
        output_schema=MY_SHAPE.schema,
    ),
    common.typed_tool(
        get_private_data,
        name="get_private_data",
        title="Private practice data",
        description="Figures a practice's own members entered on Haresign (not published "
        "nationally), by month, newest first, with who entered each. Only for a practice where "
        "you hold an active role (see list_my_practices); any other practice gets 'Not found "
        "or access denied.'",
        output_schema=PRIVATE_SHAPE.schema,
    ),
]
