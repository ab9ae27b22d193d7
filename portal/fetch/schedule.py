"""When each dataset's next edition is due, from its publisher's stated cadence (NHS England
has no machine-readable release calendar, so these are rules, not announcements).

Monthly: the edition after the newest loaded month M is due on the Nth Thursday of the month
`lag` months after M+1: Patients Registered the 2nd Thursday of M+1 itself (a list at the 1st),
GPAD the 4th Thursday a month later (about four weeks after the month ends), online
consultations, telephony and workforce the 2nd Thursday two months later (about six weeks).
Annual: GP Patient Survey in July, QOF in September after the financial year, payments between
August and December after it. ODS: nightly."""

from __future__ import annotations

from datetime import date

THURSDAY = 3
MONTHLY = {  # dataset -> (months after the next edition's month, which Thursday)
    "patients-registered": (0, 2),
    "gpad": (1, 4),
    "online-consultations": (2, 2),
    "telephony": (2, 2),
    "workforce": (2, 2),
}
REFERENCE = {"ods-practices", "ods-pcns", "ods-successors"}


def next_update_due(dataset: str, latest: str | None) -> str:
    """The date (or month, or cadence) the edition after `latest` is due."""
    if dataset in REFERENCE:
        return "daily (ODS updates nightly)"
    if dataset in MONTHLY:
        if latest is None:
            return "monthly"
        lag, nth = MONTHLY[dataset]
        year, month = int(latest[:4]), int(latest[5:7])
        year, month = divmod(year * 12 + month - 1 + 1 + lag, 12)
        return nth_weekday(year, month + 1, THURSDAY, nth).isoformat()
    start = int(latest[:4]) if latest else None
    if dataset == "gpps":
        return f"July {start + 1}" if start else "every July"
    if dataset.startswith("qof-"):
        return f"September {start + 2}" if start else "every September"
    if dataset == "payments":
        return f"August to December {start + 2}" if start else "every August to December"
    if dataset == "deprivation":
        return "with the next Index of Multiple Deprivation (every 4 to 5 years)"
    return "not scheduled"


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    """The `nth` `weekday` (0 Monday) of a month: the 2nd Thursday of December 2025 is the 11th."""
    first = date(year, month, 1).weekday()
    return date(year, month, 1 + (weekday - first) % 7 + 7 * (nth - 1))
