"""The publications we load: names, cadence and where they come from, shared by ingest and queries."""

import calendar
from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    dataset: str
    publication: str
    publisher: str
    cadence: str  # monthly | annual | reference
    url: str


SOURCES: dict[str, Source] = {
    s.dataset: s
    for s in (
        Source(
            "ods-practices",
            "ODS GP practices (epraccur)",
            "NHS England Organisation Data Service",
            "reference",
            "https://digital.nhs.uk/services/organisation-data-service/data-search-and-export/csv-downloads/gp-and-gp-practice-related-data",
        ),
        Source(
            "ods-pcns",
            "ODS Primary Care Networks (ePCN)",
            "NHS England Organisation Data Service",
            "reference",
            "https://digital.nhs.uk/services/organisation-data-service/data-search-and-export/csv-downloads/gp-and-gp-practice-related-data",
        ),
        Source(
            "ods-successors",
            "ODS successor organisations (succ): practice mergers",
            "NHS England Organisation Data Service",
            "reference",
            "https://digital.nhs.uk/services/organisation-data-service/data-search-and-export/csv-downloads/other-nhs-organisations",
        ),
        Source(
            "patients-registered",
            "Patients Registered at a GP Practice",
            "NHS England",
            "monthly",
            "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice",
        ),
        # --- appointments (GPAD), online consultations, cloud telephony
        Source(
            "gpad",
            "Appointments in General Practice",
            "NHS England",
            "monthly",
            "https://digital.nhs.uk/data-and-information/publications/statistical/appointments-in-general-practice",
        ),
        Source(
            "online-consultations",
            "Submissions via Online Consultation Systems in General Practice",
            "NHS England",
            "monthly",
            "https://digital.nhs.uk/data-and-information/publications/statistical/submissions-via-online-consultation-systems-in-general-practice",
        ),
        Source(
            "telephony",
            "Cloud Based Telephony Data in General Practice",
            "NHS England",
            "monthly",
            "https://digital.nhs.uk/data-and-information/publications/statistical/cloud-based-telephony-data-in-general-practice",
        ),
        # --- workforce, GP Patient Survey, QOF, payments
        Source(
            "workforce",
            "General Practice Workforce",
            "NHS England",
            "monthly",
            "https://digital.nhs.uk/data-and-information/publications/statistical/general-and-personal-medical-services",
        ),
        Source(
            "gpps",
            "GP Patient Survey",
            "NHS England (Ipsos)",
            "annual",
            "https://www.gp-patient.co.uk/surveysandreports",
        ),
        Source(
            "qof-prevalence",
            "Quality and Outcomes Framework, prevalence",
            "NHS England",
            "annual",
            "https://digital.nhs.uk/data-and-information/publications/statistical/quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data",
        ),
        Source(
            "qof-achievement",
            "Quality and Outcomes Framework, achievement",
            "NHS England",
            "annual",
            "https://digital.nhs.uk/data-and-information/publications/statistical/quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data",
        ),
        Source(
            "payments",
            "NHS Payments to General Practice",
            "NHS England",
            "annual",
            "https://digital.nhs.uk/data-and-information/publications/statistical/nhs-payments-to-general-practice",
        ),
        Source(
            "deprivation",
            "Deprivation score (IMD), OHID Fingertips",
            "Office for Health Improvement and Disparities",
            "annual",
            "https://fingertips.phe.org.uk/search/deprivation#page/4/ati/7/iid/94240",
        ),
    )
}


def period_label(period: str, cadence: str = "monthly") -> str:
    """'2025-12' -> 'December 2025' for monthly data; annual periods ('2021-22') unchanged."""
    month = period[5:]
    is_month = len(period) == 7 and period[4] == "-" and month.isdigit() and 1 <= int(month) <= 12
    if cadence == "monthly" and is_month:
        return f"{calendar.month_name[int(month)]} {period[:4]}"
    return period


def source_label(dataset: str, period: str) -> str:
    """The citation shown beside every figure: publication name and period."""
    source = SOURCES[dataset]
    return f"{source.publication}, {period_label(period, source.cadence)}"
