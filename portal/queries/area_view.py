"""One practice's dashboard area as one view: the figures with their benchmarks and series, the
area's details, its breakdowns and its monthly series. The practice area page, the API's area
endpoint and the MCP area tools all read this, so they cannot show different areas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from portal.queries.activity import Share, shares
from portal.queries.appointments import PracticeAppointments, practice_appointments
from portal.queries.areas import AREAS, Area, MetricPanel, area_dashboard
from portal.queries.funding import Funding, funding
from portal.queries.online_consultations import (
    PracticeOnlineConsultations,
    practice_online_consultations,
)
from portal.queries.patient_experience import PatientExperience, patient_experience
from portal.queries.patients import AgePyramid, age_pyramid
from portal.queries.practices import PracticeDetails
from portal.queries.telephony import PracticeTelephony, practice_telephony
from portal.queries.workforce import Workforce, workforce
from portal.series_breaks import WAIT_BANDS, breaks_within

Details = Workforce | PatientExperience | Funding
Activity = PracticeAppointments | PracticeTelephony | PracticeOnlineConsultations

# Areas whose query module has more than the catalogue metrics: its details, and its monthly
# activity (whose latest month gives the breakdowns).
DETAILS: dict[str, Callable[[PracticeDetails], Any]] = {
    "workforce": workforce,
    "patient-experience": patient_experience,
    "funding": funding,
}
ACTIVITY: dict[str, Callable[[str, int], Any]] = {
    "appointments": practice_appointments,
    "telephony": practice_telephony,
    "online-consultations": practice_online_consultations,
}


@dataclass(frozen=True)
class Breakdown:
    """One split of the area's latest month: each part's count and share of the whole."""

    name: str  # e.g. appointments_by_status: stable, for tables, CSV and tests
    title: str  # the split's heading, e.g. "Status"
    counted: str  # what is counted, e.g. "Appointments"
    period: str
    source: str
    synthetic: bool
    parts: list[Share]
    notes: list[str] = field(default_factory=list)  # series breaks a reader must know of


@dataclass(frozen=True)
class SeriesMonth:
    """One period of the area's series: each metric's value for the practice."""

    period: str
    values: dict[str, float | None]  # metric id -> value (None: not published that period)


@dataclass(frozen=True)
class AreaView:
    """Everything one area shows for one practice, on every surface."""

    area: Area
    practice: PracticeDetails
    panels: list[MetricPanel]  # each metric: benchmark, trend beside both Englands, source
    details: Details | None  # workforce, patient experience, funding: beyond the metrics
    activity: Activity | None  # the monthly activity query's answer (MCP's structured content)
    age_pyramid: AgePyramid | None  # registered patients: the latest age and sex bands
    breakdowns: list[Breakdown]
    series: list[SeriesMonth]  # the panels' values period by period, oldest first


def area_view(practice: PracticeDetails, slug: str, months: int = 24) -> AreaView:
    """The area for the practice, its trends covering the latest `months` periods."""
    area = AREAS[slug]
    panels = area_dashboard(practice, area, months=months).panels
    activity = ACTIVITY[slug](practice.code, months) if slug in ACTIVITY else None
    return AreaView(
        area=area,
        practice=practice,
        panels=panels,
        details=DETAILS[slug](practice) if slug in DETAILS else None,
        activity=activity,
        age_pyramid=age_pyramid(practice.code) if slug == "registered-patients" else None,
        breakdowns=breakdowns(activity),
        series=series(panels),
    )


def series(panels: list[MetricPanel]) -> list[SeriesMonth]:
    """The panels' trends as one table, period by period."""
    periods = sorted({p.period for panel in panels for p in panel.trend})
    values = {(panel.metric.id, p.period): p.value for panel in panels for p in panel.trend}
    ids = [panel.metric.id for panel in panels]
    return [SeriesMonth(period, {m: values.get((m, period)) for m in ids}) for period in periods]


def breakdowns(activity: Activity | None) -> list[Breakdown]:
    """The splits of the activity's latest month (and of its latest day-and-time month)."""
    if activity is None:
        return []

    def split(
        name: str, title: str, counted: str, parts: list[Share], notes: list[str] | None = None
    ) -> Breakdown:
        return Breakdown(
            name, title, counted, activity.period, activity.source, activity.synthetic, parts,
            notes or [],
        )  # fmt: skip

    if isinstance(activity, PracticeAppointments):
        b = activity.breakdown
        return [
            split("appointments_by_status", "Status", "Appointments", b.by_status),
            split("appointments_by_hcp_type", "Staff type", "Appointments", b.by_hcp_type),
            split("appointments_by_mode", "Mode", "Appointments", b.by_mode),
            split("appointments_by_lead_time", "Booked to appointment", "Appointments",
                  b.by_lead_time),
        ]  # fmt: skip
    if isinstance(activity, PracticeTelephony):
        return _telephony(activity, split)
    out = [split("submissions_by_type", "Type", "Submissions", activity.by_type)]
    times = activity.times
    if times is not None:
        per_band: dict[str, int] = {}
        for cell in times.cells:
            per_band[cell.time_band] = per_band.get(cell.time_band, 0) + (cell.submissions or 0)
        for name, title, parts in (
            ("submissions_by_weekday", "Weekday", times.by_weekday),
            ("submissions_by_time", "Time of day", shares(list(per_band.items()))),
        ):
            out.append(
                Breakdown(name, title, "Submissions", times.period, times.source,
                          times.synthetic, parts)
            )  # fmt: skip
    return out


def _telephony(activity: PracticeTelephony, split: Callable[..., Breakdown]) -> list[Breakdown]:
    """Answered calls by wait and by length, inbound calls by time of day, and answered calls
    by wait in each part of the day; wait tables say the June 2026 method change when their
    months shown reach it (a break at the first month shown included: that month is new)."""
    m = activity.month
    waits = [
        b.note
        for b in breaks_within(WAIT_BANDS, "", m.period)
        if b.period >= activity.trend[0].period
    ]
    out = [
        split("calls_answered_by_wait", "Answered after waiting", "Calls",
              m.answered_by_wait, waits),
        split("calls_answered_by_length", "Answered call length", "Calls",
              m.answered_by_length),
    ]  # fmt: skip
    if m.inbound_by_time:
        out.append(split("calls_inbound_by_time", "Time of day", "Inbound calls",
                         m.inbound_by_time))  # fmt: skip
    for hours in m.answered_by_hours:
        out.append(split(f"calls_answered_by_wait_{hours.key}", f"Wait {hours.label}",
                         "Answered calls", hours.answered_by_wait, waits))  # fmt: skip
    return out


def breakdown_rows(view: AreaView) -> list[dict]:
    """The breakdowns as one long table (for CSV): one row per part."""
    return [
        {
            "practice_code": view.practice.code,
            "breakdown": b.name,
            "title": b.title,
            "counted": b.counted,
            "period": b.period,
            "part": part.label,
            "count": part.count,
            "percent": part.percent,
            "source": b.source,
            "synthetic": b.synthetic,
            "notes": " ".join(b.notes),
        }
        for b in view.breakdowns
        for part in b.parts
    ]
