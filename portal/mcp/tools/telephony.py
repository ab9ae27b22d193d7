"""get_telephony: Cloud Based Telephony (portal.queries.telephony)."""

from portal.mcp import text
from portal.mcp.tools.areas import monthly_tool
from portal.queries.area_view import breakdowns
from portal.queries.telephony import PracticeTelephony


def calls(data: PracticeTelephony) -> list[str]:
    """The latest month's indicator totals, then the area view's breakdowns: answered calls by
    wait and by length."""
    month = data.month
    indicators = text.table(
        ["Indicator", "Calls"],
        ([f"{i.label} ({i.code})", f"{i.calls:,}" if i.calls is not None else None]
         for i in month.indicators),
    )  # fmt: skip
    return [
        f"{data.period} indicators (– = not published):\n" + indicators,
        *(text.shares_table(b.title, b.parts, b.counted) for b in breakdowns(data)),
    ]


TOOLS = [
    monthly_tool(
        "get_telephony",
        "Telephony",
        "telephony",
        "telephony",
        PracticeTelephony,
        "A practice's calls on its cloud-based telephone system in its latest month with the "
        "months before it: inbound calls, share answered, missed calls, callbacks requested and "
        "made, each with benchmarks; answered calls by wait time and by call length. No rows "
        "published means no data, never zero calls.",
        "Use this for phone access; get_online_consultations covers online demand.",
        calls,
    )
]
