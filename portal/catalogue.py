"""The metric catalogue: every metric once, described as data; pages, tools and API read it."""

from dataclasses import dataclass

from portal.qof_registers import DOMAINS as QOF_DOMAINS
from portal.qof_registers import REGISTERS as QOF_REGISTERS
from portal.qof_registers import achievement_metric, prevalence_metric


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    unit: str  # patients | % | per 1,000 patients | appointments | £ | FTE | ...
    dataset: str
    definition: str
    polarity: str  # higher-is-better | lower-is-better | neutral
    aggregation: str = "ratio"  # ratio: group = sum(num)/sum(den)*scale; sum: group = sum(value)
    scale: float = 100.0
    decimals: int = 1
    caveats: tuple[str, ...] = ()
    # how its confidence interval is made: wilson (a proportion), byar (a rate per 1,000),
    # published (the survey's own bounds), or None (a count, FTE or money: no sampling error)
    interval: str | None = None
    # Measures as data: the columns of its dataset's per-practice facts that make its value (a
    # sum metric: numerator alone) or its numerator and denominator (ingest/measures.py).
    # None where the ingester computes the values itself (QOF, GP Patient Survey, deprivation).
    numerator: str | None = None
    denominator: str | None = None


METRICS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric(
            id="list_size",
            numerator="patients",
            label="Registered patients",
            unit="patients",
            dataset="patients-registered",
            definition="NUMBER_OF_PATIENTS with SEX=ALL and AGE=ALL: patients registered at the "
            "practice on the 1st of the month.",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "Registered lists include patients who have moved away but not yet been removed "
                "(list inflation).",
            ),
        ),
        # --- appointments (GPAD), online consultations, cloud telephony
        Metric(
            id="appointments_total",
            numerator="total",
            label="Appointments",
            unit="appointments",
            dataset="gpad",
            definition="Sum of COUNT_OF_APPOINTMENTS in the month over every status (attended, "
            "DNA, unknown), HCP type, mode, national category and booking lead time.",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "GPAD counts appointments recorded in practice systems; mapping to national "
                "categories and recording practice vary between practices.",
                "Experimental statistics: not every practice's system submits complete data.",
            ),
        ),
        Metric(
            id="dna_rate",
            numerator="dna",
            denominator="total",
            interval="wilson",
            label="Did not attend (DNA) rate",
            unit="%",
            dataset="gpad",
            definition="Appointments with APPT_STATUS = DNA / all appointments x 100 (all "
            "statuses, Unknown included in the denominator).",
            polarity="lower-is-better",
            caveats=(
                "Appointments whose status was never updated are 'Unknown' and count in the "
                "denominator, so practices with many Unknowns show lower DNA rates.",
            ),
        ),
        Metric(
            id="gp_appointment_share",
            numerator="gp",
            denominator="total",
            interval="wilson",
            label="Appointments with a GP",
            unit="%",
            dataset="gpad",
            definition="Appointments with HCP_TYPE = GP / all appointments x 100.",
            polarity="neutral",
            caveats=("HCP type comes from the clinician's role in the practice system.",),
        ),
        Metric(
            id="same_day_share",
            numerator="same_day",
            denominator="total",
            interval="wilson",
            label="Appointments on the day they were booked",
            unit="%",
            dataset="gpad",
            definition="Appointments with TIME_BETWEEN_BOOK_AND_APPT = Same Day / all "
            "appointments x 100.",
            polarity="neutral",
            caveats=("A high share may reflect same-day triage models rather than better access.",),
        ),
        Metric(
            id="face_to_face_share",
            numerator="face_to_face",
            denominator="total",
            interval="wilson",
            label="Face-to-face appointments",
            unit="%",
            dataset="gpad",
            definition="Appointments with APPT_MODE = Face-to-Face / all appointments x 100.",
            polarity="neutral",
        ),
        Metric(
            id="appointments_per_1000",
            numerator="total",
            denominator="patients",
            interval="byar",
            label="Appointments per 1,000 registered patients",
            unit="per 1,000 patients",
            dataset="gpad",
            definition="appointments_total / list_size of the same month x 1,000 (list size from "
            "Patients Registered at a GP Practice).",
            polarity="neutral",
            scale=1000.0,
            caveats=(
                "Needs the same month's Patients Registered list size; missing when that month "
                "is not loaded.",
            ),
        ),
        Metric(
            id="oc_submissions",
            numerator="submissions",
            label="Online consultation submissions",
            unit="submissions",
            dataset="online-consultations",
            definition="OC_TOTAL_SUBMISSIONS: submissions made through the practice's online "
            "consultation systems in the month.",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "Counts come from suppliers' systems; practices using an unlisted system show "
                "no submissions.",
            ),
        ),
        Metric(
            id="oc_clinical_share",
            numerator="clinical",
            denominator="submissions",
            interval="wilson",
            label="Online consultations that are clinical",
            unit="%",
            dataset="online-consultations",
            definition="OC_SUBMISSION_TYPE_CLINICAL / OC_TOTAL_SUBMISSIONS x 100.",
            polarity="neutral",
            caveats=("Suppliers classify submission types differently.",),
        ),
        Metric(
            id="oc_rate_per_1000",
            numerator="submissions",
            denominator="patients_registered",
            interval="byar",
            label="Online consultations per 1,000 registered patients",
            unit="per 1,000 patients",
            dataset="online-consultations",
            definition="OC_TOTAL_SUBMISSIONS / PATIENTS_REGISTERED x 1,000, using the "
            "publication's own list-size denominator.",
            polarity="neutral",
            scale=1000.0,
        ),
        Metric(
            id="calls_inbound",
            numerator="CBT001",
            label="Inbound calls",
            unit="calls",
            dataset="telephony",
            definition="CBT001: inbound calls to the practice's cloud based telephony system "
            "in the month.",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "Only practices on a cloud based telephony system that submits data appear; "
                "no data is not zero calls.",
                "Repeat calls from the same patient each count.",
                "PCN, sub-ICB, ICB, region and England totals include calls to phone accounts "
                "shared by several practices (published as 'Unassigned'), which no practice's "
                "figure includes.",
            ),
        ),
        Metric(
            id="calls_answered_rate",
            numerator="CBT003",
            denominator="CBT001",
            interval="wilson",
            label="Inbound calls answered",
            unit="%",
            dataset="telephony",
            definition="CBT003 answered calls (all wait bands) / CBT001 inbound calls x 100.",
            polarity="higher-is-better",
            caveats=(
                "Calls ended in a menu (CBT002) count as inbound but not answered.",
                "Group rates include calls to phone accounts shared by several practices.",
            ),
        ),
        Metric(
            id="calls_missed",
            numerator="CBT004",
            label="Missed calls",
            unit="calls",
            dataset="telephony",
            definition="CBT004: inbound calls not answered (abandoned, timed out or sent to "
            "voicemail) in the month.",
            polarity="lower-is-better",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "A count, so it grows with list size: compare with inbound calls.",
                "Missed calls include calls that went to voicemail.",
                "Group totals include calls to phone accounts shared by several practices.",
            ),
        ),
        Metric(
            id="callbacks_requested",
            numerator="CBT005",
            label="Callbacks requested",
            unit="calls",
            dataset="telephony",
            definition="CBT005: callbacks requested by callers in the month.",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
        ),
        Metric(
            id="callbacks_made",
            numerator="CBT006",
            label="Callbacks made",
            unit="calls",
            dataset="telephony",
            definition="CBT006: callbacks made by the practice in the month.",
            polarity="higher-is-better",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=("Compare with callbacks requested in the same month.",),
        ),
        # --- workforce, GP Patient Survey, QOF, payments
        *(
            Metric(
                id=f"{staff}_fte",
                numerator=f"{staff}_fte",
                label=f"{label} (full-time equivalent)",
                unit="FTE",
                dataset="workforce",
                definition=f"TOTAL_{column}_FTE from the General Practice Workforce practice-level "
                f"file: {what}, in full-time equivalents (37.5 hours a week = 1).",
                polarity="neutral",
                aggregation="sum",
                scale=1.0,
                decimals=1,
                caveats=(
                    "ND (not disclosed) in the file is shown as not available, never as zero.",
                    "Totals scale with the practice's size: compare patients per GP FTE instead.",
                    "Practices with poor-quality returns carry estimates in the publication.",
                ),
            )
            for staff, column, label, what in (
                ("gp", "GP", "GPs", "all qualified and training GPs, locums excluded"),
                ("nurse", "NURSES", "Nurses", "nurses of every grade"),
                (
                    "dpc",
                    "DPC",
                    "Direct patient care staff",
                    "pharmacists, physician "
                    "associates, healthcare assistants and other direct patient care roles",
                ),
                (
                    "admin",
                    "ADMIN",
                    "Admin and non-clinical staff",
                    "practice managers, receptionists and other admin and non-clinical roles",
                ),
            )  # fmt: skip
        ),
        Metric(
            id="patients_per_gp_fte",
            numerator="total_patients",
            denominator="gp_fte",
            label="Patients per GP (FTE)",
            unit="patients per GP FTE",
            dataset="workforce",
            definition="TOTAL_PATIENTS / TOTAL_GP_FTE from the workforce practice-level file "
            "(the file's own list size, not Patients Registered).",
            polarity="lower-is-better",
            scale=1.0,
            decimals=0,
            caveats=(
                "Practices with no GP FTE or an undisclosed one have no value and are left out "
                "of the national distribution.",
                "GP FTE is the file's TOTAL_GP_FTE (all GPs, in training included) where it has "
                "one; a file with only TOTAL_GP_EXL_FTE or TOTAL_GP_EXTGL_FTE gives GPs excluding "
                "those in training (and locums), so its ratio runs higher.",
            ),
        ),
        Metric(
            id="gpps_overall_good",
            interval="published",
            label="Overall experience good (GP Patient Survey)",
            unit="%",
            dataset="gpps",
            definition="overallexp.pcteval x 100: the weighted share of respondents who described "
            "their overall experience of the practice as very or fairly good, with its 95% "
            "confidence interval (overallexp.lowileval to overallexp.hiwileval). Group values are "
            "weighted positive answers / weighted evaluative base.",
            polarity="higher-is-better",
            caveats=(
                "A survey estimate: small practices have wide confidence intervals; compare "
                "intervals, not point estimates.",
                "The survey is fielded January to April and published in July of its year.",
            ),
        ),
        Metric(
            id="deprivation_score",
            label="Deprivation score (IMD)",
            unit="score",
            dataset="deprivation",
            definition="The Index of Multiple Deprivation score of the practice's registered "
            "patients: Fingertips indicator 94240 (IMD 2025) or 93553 (IMD 2019), 'Value' for "
            "Area Type 'GPs'. Higher means more deprived; deciles are of practices in England.",
            polarity="neutral",
            scale=1.0,
            caveats=(
                "An average of the IMD scores of the small areas where the practice's patients "
                "live, weighted by patients: it describes the population, not the practice.",
                "Group values are the mean of their practices' scores, not the IMD of the area.",
            ),
        ),
        *(
            Metric(
                id=prevalence_metric(code),
                interval="wilson",
                label=f"{name} prevalence",
                unit="%",
                dataset="qof-prevalence",
                definition=f"QOF {code} REGISTER / PRACTICE_LIST_SIZE x 100, the list size being "
                "that register's PATIENT_LIST_TYPE (all ages, or e.g. patients aged 17+).",
                polarity="neutral",
                decimals=2,
                caveats=(
                    "Recorded prevalence: it reflects case finding and coding as well as "
                    "illness, and is not age-standardised.",
                    "The denominator differs by register (age groups): compare like with like.",
                ),
            )
            for code, name in QOF_REGISTERS.items()
        ),
        *(
            Metric(
                id=achievement_metric(domain),
                label=f"QOF achievement{f' ({name})' if domain else ''}",
                unit="%",
                dataset="qof-achievement",
                definition="Sum of ACHIEVED_POINTS / sum of INDICATOR_POINT_VALUE (MAPPING_INDICATORS) "
                f"x 100 over {f'the {name} domain' if domain else 'all domains'}'s indicators.",
                polarity="higher-is-better",
                caveats=(
                    "Points available are the year's maximum for the indicators published; "
                    "indicators a practice has no row for count as not achieved.",
                    "Some years' indicators were income-protected (e.g. during COVID-19); the "
                    "points achieved are as published.",
                ),
            )
            for domain, name in ((None, ""), *QOF_DOMAINS.items())
        ),
        Metric(
            id="payments_total",
            numerator="total_payments",
            label="Total NHS payments",
            unit="£",
            dataset="payments",
            definition="'Total NHS Payments to General Practice' for the financial year, as "
            "published (before deductions; excluding PCN and COVID-19 payments in years that "
            "list those separately).",
            polarity="neutral",
            aggregation="sum",
            scale=1.0,
            decimals=0,
            caveats=(
                "Payments include reimbursements (premises, drugs for dispensing practices), so "
                "totals are not practice income or profit.",
                "Totals scale with the list: compare payments per patient instead.",
            ),
        ),
        *(
            Metric(
                id=f"payments_per_{kind}",
                numerator="total_payments",
                denominator=f"{kind}_patients",
                label=f"NHS payments per {kind} patient",
                unit="£ per patient",
                dataset="payments",
                definition=f"'Total NHS Payments to General Practice' / 'Number of {kind.title()} "
                "Patients (Last Known Figure)', as published in 'Average payments per "
                f"{kind} patient'.",
                polarity="neutral",
                scale=1.0,
                decimals=2,
                caveats=(
                    "Uses the last known list size of the year: practices that opened, closed or "
                    "merged during the year have misleading averages.",
                    "Dispensing practices' payments include drug reimbursement.",
                ),
            )
            for kind in ("registered", "weighted")
        ),
    )
}


def dataset_metrics(dataset: str) -> list[str]:
    """The ids of a dataset's metrics, in catalogue order: what its loads recompute."""
    return [m.id for m in METRICS.values() if m.dataset == dataset]


def get_metric(metric_id: str) -> Metric | None:
    return METRICS.get(metric_id)


def format_value(metric: Metric, value: float | None) -> str:
    """The one way a metric's value is written for people: thousands separators, fixed decimals."""
    if value is None:
        return "not available"
    text = f"{value:,.{metric.decimals}f}"
    if metric.unit == "%":
        return f"{text}%"
    if metric.unit.startswith("£"):
        return f"£{text}" if value >= 0 else f"−£{text.lstrip('-')}"
    return text
