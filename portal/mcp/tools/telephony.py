"""get_telephony: Cloud Based Telephony (portal.queries.telephony)."""

from portal.mcp.tools.areas import monthly_tool
from portal.queries.telephony import PracticeTelephony, practice_telephony

TOOLS = [
    monthly_tool(
        "get_telephony",
        "Telephony",
        "telephony",
        "telephony",
        PracticeTelephony,
        lambda code, months: practice_telephony(code, months),
        "A practice's calls on its cloud-based telephone system in its latest month with the "
        "months before it: inbound calls, share answered, missed calls, callbacks requested and "
        "made, each with benchmarks; answered calls by wait time and by call length. No rows "
        "published means no data, never zero calls.",
        "Use this for phone access; get_online_consultations covers online demand.",
    )
]
