"""The per-area tools as one table (portal.mcp.tools.areas derives each tool from its row), with
each area's own text as a small named function."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from portal.mcp import text
from portal.mcp.registry import ToolError
from portal.mcp.tools.areas import YEAR, Answer, AreaTool, Argument, monthly, panels
from portal.mcp.tools.common import Arg, PracticeRef
from portal.queries.appointments import PracticeAppointments
from portal.queries.area_view import AreaView, breakdowns
from portal.queries.funding import Funding, funding
from portal.queries.online_consultations import PracticeOnlineConsultations
from portal.queries.patient_experience import PatientExperience, patient_experience
from portal.queries.prevalence import ALIASES, REGISTERS, DiseasePrevalence, disease_prevalence
from portal.queries.qof import QofAchievementResult, qof_achievement
from portal.queries.telephony import PracticeTelephony
from portal.queries.workforce import Workforce, workforce


def count(value: float | None) -> str | None:
    """A count as the tables show it (12,345); None stays a gap (–)."""
    return f"{value:,.0f}" if value is not None else None


# --- each area's own text -------------------------------------------------------------------


def age_bands(_ref: PracticeRef, view: AreaView) -> Answer:
    """The latest patients by five-year age band and sex, in the text and structured content."""
    pyramid = view.age_pyramid
    if pyramid is None:
        return Answer()
    table = text.table(
        ["Age", "Male", "Female"],
        ([b.label, count(b.male), count(b.female)] for b in pyramid.bands),
    )
    return Answer(
        sections=[
            f"Patients by age and sex, {pyramid.period} ({pyramid.total:,} patients; "
            f"{pyramid.source}):\n" + table
        ],
        extra={
            "age_bands": {
                "period": pyramid.period,
                "source": pyramid.source,
                "synthetic": pyramid.synthetic,
                "total": pyramid.total,
                "bands": [asdict(b) for b in pyramid.bands],
            }
        },
    )


def appointment_splits(data: PracticeAppointments) -> list[str | None]:
    """The latest month's appointments split four ways: the area view's breakdowns."""
    tables = [text.shares_table(b.title, b.parts, b.counted) for b in breakdowns(data)]
    return [f"{data.period} split:\n" + tables[0], *tables[1:]]


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


def calls(data: PracticeTelephony) -> list[str | None]:
    """The latest month's indicator totals, then the area view's breakdowns (answered calls by
    wait and by length, inbound by time of day, waits by core hours), then their notes once."""
    month = data.month
    indicators = text.table(
        ["Indicator", "Calls"],
        ([f"{i.label} ({i.code})", f"{i.calls:,}" if i.calls is not None else None]
         for i in month.indicators),
    )  # fmt: skip
    splits = breakdowns(data)
    notes = list(dict.fromkeys(n for b in splits for n in b.notes))  # once, not per wait table
    return [
        f"{data.period} indicators (– = not published):\n" + indicators,
        *(text.shares_table(b.title, b.parts, b.counted) for b in splits),
        *(f"Wait bands: {n}" for n in notes),
    ]


def staff(_ref: PracticeRef, data: Workforce) -> Answer:
    """FTE and headcount per staff group, patients per GP FTE, and the file's patient count."""
    rows = [
        (f"{g.label} FTE", g.benchmark, f"{g.headcount:g}" if g.headcount is not None else None)
        for g in data.staff
    ]
    rows.append(("Patients per GP FTE", data.patients_per_gp_fte, None))
    patients = (
        f"The workforce file's own patient count: {data.total_patients:,}."
        if data.total_patients is not None
        else None
    )
    return Answer(f"workforce, {data.period} (– = not disclosed)", rows, [patients], ("Headcount",))


def survey(_ref: PracticeRef, data: PatientExperience) -> Answer:
    """Overall experience with its interval, every question, and the response rate."""

    def percent(value: float | None) -> str:
        return f"{value:.1f}%" if value is not None else "not published"

    def interval(lower: float | None, upper: float | None) -> str | None:
        return f"{lower:.1f}% to {upper:.1f}%" if lower is not None and upper is not None else None

    def number(value: float | None) -> str:
        return count(value) or "not published"

    questions = text.table(
        ["Question (positive answers)", "Practice", "95% interval", "Respondents"],
        ([q.label, percent(q.value), interval(q.lower, q.upper), number(q.respondents)]
         for q in data.questions),
    )  # fmt: skip
    returns = (
        f"Surveys sent {number(data.surveys_sent)}, returned {number(data.surveys_returned)}; "
        f"response rate {percent(data.response_rate)}."
    )
    return Answer(
        f"GP Patient Survey {data.period}",
        [("Overall experience good", data.overall,
          interval(data.overall_lower, data.overall_upper))],
        ["Every question (weighted; the survey is a sample, so mind the interval):\n" + questions,
         returns],
        ("95% interval",),
    )  # fmt: skip


def registers(_ref: PracticeRef, data: DiseasePrevalence) -> Answer:
    """Each register's prevalence, size and list; an unknown condition is a correctable error."""
    if data.unmatched:
        known = ", ".join(f"{code} ({name})" for code, name in REGISTERS.items())
        raise ToolError(f"Unknown condition '{data.unmatched[0][:40]}'. Registers: {known}.")
    rows = [
        (f"{r.name} ({r.code})", r.prevalence, count(r.register), count(r.list_size), r.list_type)
        for r in data.registers
    ]
    return Answer(
        f"disease prevalence {data.period}", rows, columns=("On register", "List", "List type")
    )


def register_names() -> str:
    """The registers and everyday words `conditions` takes, for the description."""
    names = ", ".join(f"{code} ({name})" for code, name in REGISTERS.items())
    words = ", ".join(sorted({a for v in ALIASES.values() for a in v})[:8])
    return (
        f"\n\nconditions: register codes or names, e.g. {names}; everyday words such as {words} "
        "also work."
    )


def achievement(_ref: PracticeRef, data: QofAchievementResult) -> Answer:
    """Points achieved of available, as a %, in total and per domain."""

    def points(value: float | None, decimals: int) -> str | None:
        return f"{value:,.{decimals}f}" if value is not None else None

    rows = [
        (part.name, part.achievement, points(part.points_achieved, 1),
         points(part.points_available, 0))
        for part in (data.total, *data.domains)
    ]  # fmt: skip
    return Answer(
        f"QOF achievement {data.period}", rows, columns=("Points achieved", "Points available")
    )


def payments(_ref: PracticeRef, data: Funding) -> Answer:
    """Payments in total and per patient, the year's patients, the file's own averages and
    every non-zero payment line."""
    patients = text.table(
        ["Patients in the year (last known)", "Count"],
        [["Registered", count(data.registered_patients)],
         ["Weighted", count(data.weighted_patients)]],
    )  # fmt: skip
    published = (
        "The file's own averages: "
        f"£{data.published_per_registered:,.2f} per registered patient, "
        f"£{data.published_per_weighted:,.2f} per weighted patient."
        if data.published_per_registered is not None and data.published_per_weighted is not None
        else None
    )
    items = text.table(
        ["Payment item (as published)", "Amount"],
        ([i.item, f"£{i.amount:,.2f}"] for i in data.items if i.amount),
    )
    return Answer(
        f"NHS payments {data.period} (£)",
        [("Total payments", data.total), ("Per registered patient", data.per_registered),
         ("Per weighted patient", data.per_weighted)],
        [patients, published, "Payment items (non-zero):\n" + items if data.items else None],
    )  # fmt: skip


CONDITIONS = Argument(
    "conditions",
    Annotated[
        list[str],
        Arg(
            "Conditions by register code (DM, HYP, AST...) or name (diabetes, hypertension); "
            "default every register.",
            max_items=30,
            item_max_length=60,
        ),
    ],
    lambda conditions: conditions or None,
)


# --- the table ------------------------------------------------------------------------------

TABLE = [
    panels(
        name="get_registered_patients",
        title="Registered patients",
        area="registered-patients",
        lead="A practice's registered list size (patients on the 1st of each month) with its "
        "monthly series, benchmarks, and the latest patients by five-year age band and sex.",
        when="Use this for list size and how it is trending; use get_practice_overview for a "
        "one-call summary of every area.",
        write=age_bands,
    ),
    monthly(
        name="get_appointments",
        title="Appointments",
        area="appointments",
        key="appointments",
        figures=PracticeAppointments,
        lead="A practice's appointments in its latest month with the months before it: total, "
        "per 1,000 registered patients, did-not-attend (DNA) rate, share with a GP, share on "
        "the day booked and share face to face, each with benchmarks; and the month's split by "
        "status, staff type, mode and booking lead time.",
        when="Use this for appointment volumes and the DNA rate; get_benchmark places one metric "
        "nationally, compare_practices sets practices side by side.",
        details=appointment_splits,
    ),
    monthly(
        name="get_online_consultations",
        title="Online consultations",
        area="online-consultations",
        key="online_consultations",
        figures=PracticeOnlineConsultations,
        lead="A practice's online consultation submissions in its latest month with the months "
        "before it: total, clinical share and submissions per 1,000 registered patients (the "
        "publication's own denominator), each with benchmarks; the split by type, the "
        "supplier, and submissions by weekday and time where loaded.",
        when="Use this for online demand; get_appointments covers booked appointments and "
        "get_telephony phone calls.",
        details=submissions,
    ),
    monthly(
        name="get_telephony",
        title="Telephony",
        area="telephony",
        key="telephony",
        figures=PracticeTelephony,
        lead="A practice's calls on its cloud-based telephone system in its latest month with "
        "the months before it: inbound calls, share answered, missed calls, callbacks requested "
        "and made, each with benchmarks; answered calls by wait time and by call length, inbound "
        "calls by time of day and, from June 2026, answered calls by wait within and outside "
        "core hours. No rows published means no data, never zero calls.",
        when="Use this for phone access; get_online_consultations covers online demand.",
        details=calls,
    ),
    AreaTool(
        name="get_workforce",
        title="Workforce",
        area="workforce",
        key="workforce",
        figures=Workforce,
        result="WorkforceResult",
        lead="A practice's staff in its latest month: headcount and full-time equivalent (FTE) "
        "for GPs, nurses, direct patient care and admin staff, and patients per GP FTE (the "
        "workforce file's own patient count). 'Not disclosed' values are null.",
        when="Use this for staffing; compare_practices with metric patients_per_gp_fte sets "
        "several practices side by side.",
        read=workforce,
        write=staff,
    ),
    AreaTool(
        name="get_patient_experience",
        title="Patient experience",
        area="patient-experience",
        key="survey",
        figures=PatientExperience,
        result="PatientExperienceResult",
        missing="GP Patient Survey",
        lead="A practice's latest GP Patient Survey results (annual, weighted): the share of "
        "patients rating their overall experience good, with its 95% confidence interval, "
        "benchmarks, response rate and the other questions' positive shares (%).",
        when="Use this for patient satisfaction; the survey is a sample, so mind the interval.",
        read=patient_experience,
        write=survey,
    ),
    AreaTool(
        name="get_disease_prevalence",
        title="Disease prevalence",
        area="prevalence",
        key="prevalence",
        figures=DiseasePrevalence,
        result="PrevalenceResult",
        missing="QOF prevalence",
        argument=CONDITIONS,
        lead="Recorded disease prevalence at a practice from the QOF registers for its latest "
        "year: patients on each register as a % of the register's list (all ages or the age "
        "band the register uses), with England, groups and the national percentile.",
        when="Use this for 'how common is diabetes on this list'; get_qof_achievement covers "
        "QOF points.",
        read=disease_prevalence,
        write=registers,
        about=register_names,
    ),
    AreaTool(
        name="get_qof_achievement",
        title="QOF achievement",
        area="qof",
        key="achievement",
        figures=QofAchievementResult,
        result="QofResult",
        missing="QOF achievement",
        argument=YEAR,
        lead="A practice's Quality and Outcomes Framework achievement in a financial year: "
        "points achieved of points available, as a %, in total and per domain (clinical, "
        "public health, quality improvement), each with benchmarks.",
        when="Use this for QOF quality; disease register sizes are in get_disease_prevalence.",
        read=qof_achievement,
        write=achievement,
    ),
    AreaTool(
        name="get_funding",
        title="Funding",
        area="funding",
        key="funding",
        figures=Funding,
        result="FundingResult",
        missing="payments",
        argument=YEAR,
        lead="A practice's NHS payments in a financial year, in pounds: total, per registered "
        "patient and per weighted patient (as published), each beside England and its groups "
        "with a national percentile, plus every payment line published.",
        when="Use this for funding questions such as payments per weighted patient against "
        "England.",
        read=funding,
        write=payments,
    ),
]

TOOLS = [row.spec() for row in TABLE]
