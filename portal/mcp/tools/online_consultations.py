"""get_online_consultations: online consultation submissions (portal.queries)."""

from portal.mcp import text
from portal.mcp.tools.areas import monthly_tool
from portal.queries.online_consultations import PracticeOnlineConsultations


def submissions(data: PracticeOnlineConsultations) -> list[str | None]:
    """The latest month by type and supplier, and by weekday and time where loaded."""
    month = data.month
    parts = [
        f"{data.period} by type:\n" + text.shares_table("Type", data.by_type, "Submissions"),
        f"Supplier: {month.supplier or 'not stated'}; participating: "
        + {True: "yes", False: "no", None: "not stated"}[month.participation]
        + (f"; patients registered (the publication's denominator): "
           f"{month.patients_registered:,}." if month.patients_registered else "."),
    ]  # fmt: skip
    times = data.times
    if times is not None:
        bands = list(dict.fromkeys(c.time_band for c in times.cells))
        grid = {(c.weekday, c.time_band): c.submissions for c in times.cells}
        days = [s.label for s in times.by_weekday]
        parts.append(
            f"{times.period} by weekday:\n"
            + text.shares_table("Weekday", times.by_weekday, "Submissions")
        )
        parts.append(
            f"{times.period} submissions by weekday and time:\n"
            + text.table(["Time", *days], ([band, *(grid.get((d, band)) for d in days)]
                                             for band in bands))
        )  # fmt: skip
    return parts


TOOLS = [
    monthly_tool(
        "get_online_consultations",
        "Online consultations",
        "online-consultations",
        "online_consultations",
        PracticeOnlineConsultations,
        "A practice's online consultation submissions in its latest month with the months "
        "before it: total, clinical share and submissions per 1,000 registered patients (the "
        "publication's own denominator), each with benchmarks; the split by type, the "
        "supplier, and submissions by weekday and time where loaded.",
        "Use this for online demand; get_appointments covers booked appointments and "
        "get_telephony phone calls.",
        submissions,
    )
]
