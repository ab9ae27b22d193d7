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
            "patients-registered",
            "Patients Registered at a GP Practice",
            "NHS England",
            "monthly",
            "https://digital.nhs.uk/data-and-information/publications/statistical/patients-registered-at-a-gp-practice",
        ),
        # --- appointments (GPAD), online consultations, cloud telephony
        # --- workforce, GP Patient Survey, QOF, payments
    )
}


def period_label(period: str, cadence: str = "monthly") -> str:
    """'2025-12' -> 'December 2025' for monthly data; annual periods ('2021-22') unchanged."""
    if cadence == "monthly" and len(period) == 7 and period[4] == "-":
        return f"{calendar.month_name[int(period[5:])]} {period[:4]}"
    return period


def source_label(dataset: str, period: str) -> str:
    """The citation shown beside every figure: publication name and period."""
    source = SOURCES[dataset]
    return f"{source.publication}, {period_label(period, source.cadence)}"
