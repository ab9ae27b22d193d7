"""get_online_consultations: online consultation submissions (portal.queries)."""

from portal.mcp.tools.areas import monthly_tool
from portal.queries.online_consultations import (
    PracticeOnlineConsultations,
    practice_online_consultations,
)

TOOLS = [
    monthly_tool(
        "get_online_consultations",
        "Online consultations",
        "online-consultations",
        "online_consultations",
        PracticeOnlineConsultations,
        lambda code, months: practice_online_consultations(code, months),
        "A practice's online consultation submissions in its latest month with the months "
        "before it: total, clinical share and submissions per 1,000 registered patients (the "
        "publication's own denominator), each with benchmarks; the split by type, the "
        "supplier, and submissions by weekday and time where loaded.",
        "Use this for online demand; get_appointments covers booked appointments and "
        "get_telephony phone calls.",
    )
]
