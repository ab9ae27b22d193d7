"""get_appointments: Appointments in General Practice (portal.queries.appointments)."""

from portal.mcp import text
from portal.mcp.tools.areas import monthly_tool
from portal.queries.appointments import PracticeAppointments, practice_appointments


def splits(data: PracticeAppointments) -> list[str]:
    """The latest month's appointments split four ways (each over all appointments)."""
    b = data.breakdown
    return [
        f"{data.period} split:\n" + text.shares_table("Status", b.by_status, "Appointments"),
        text.shares_table("Staff type", b.by_hcp_type, "Appointments"),
        text.shares_table("Mode", b.by_mode, "Appointments"),
        text.shares_table("Booked to appointment", b.by_lead_time, "Appointments"),
    ]


TOOLS = [
    monthly_tool(
        "get_appointments",
        "Appointments",
        "appointments",
        "appointments",
        PracticeAppointments,
        lambda code, months: practice_appointments(code, months),
        "A practice's appointments in its latest month with the months before it: total, per "
        "1,000 registered patients, did-not-attend (DNA) rate, share with a GP, share on the "
        "day booked and share face to face, each with benchmarks; and the month's split by "
        "status, staff type, mode and booking lead time.",
        "Use this for appointment volumes and the DNA rate; get_benchmark places one metric "
        "nationally, compare_practices sets practices side by side.",
        splits,
    )
]
