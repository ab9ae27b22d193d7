"""get_appointments: Appointments in General Practice (portal.queries.appointments)."""

from portal.mcp import text
from portal.mcp.tools.areas import monthly_tool
from portal.queries.appointments import PracticeAppointments
from portal.queries.area_view import breakdowns


def splits(data: PracticeAppointments) -> list[str]:
    """The latest month's appointments split four ways: the area view's breakdowns."""
    tables = [text.shares_table(b.title, b.parts, b.counted) for b in breakdowns(data)]
    return [f"{data.period} split:\n" + tables[0], *tables[1:]]


TOOLS = [
    monthly_tool(
        "get_appointments",
        "Appointments",
        "appointments",
        "appointments",
        PracticeAppointments,
        "A practice's appointments in its latest month with the months before it: total, per "
        "1,000 registered patients, did-not-attend (DNA) rate, share with a GP, share on the "
        "day booked and share face to face, each with benchmarks; and the month's split by "
        "status, staff type, mode and booking lead time.",
        "Use this for appointment volumes and the DNA rate; get_benchmark places one metric "
        "nationally, compare_practices sets practices side by side.",
        splits,
    )
]
