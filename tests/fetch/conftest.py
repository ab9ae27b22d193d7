"""The loopback publisher, serving edition pages and the real files of ../shared/nhs-data
(zipped at test time where the publisher ships a zip; never copied into the repository)."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from tests.fetch.publisher import Publisher

SERIES = "/data-and-information/publications/statistical"
PATIENTS = f"{SERIES}/patients-registered-at-a-gp-practice"
PATIENT_FILES = {  # path on the publisher -> file in ../shared/nhs-data (or built from one)
    "/files/0F/41E2A8/gp-reg-pat-prac-map.csv": "patients_registered/gp-reg-pat-prac-map_2025-12.csv",
    "/files/3A/9D2E41/gp-reg-pat-prac-all.csv": "patients_registered/gp-reg-pat-prac-all_2025-12.csv",
    "/files/D2/77B0C5/gp-reg-pat-prac-quin-age.zip": "quin-age zip",
}  # fmt: skip
DSE_EPRACCUR = "/api/getReport?report=epraccur"
EPCN = (
    "/binaries/content/assets/website-assets/services/ods/"
    "data-downloads-other-nhs-organisations/epcn.zip"
)
SUCC = (
    "/binaries/content/assets/website-assets/services/ods/"
    "data-downloads-other-nhs-organisations/succ.zip"
)
# A real merger by the files: CHEVIOT MEDICAL GROUP (Wooler), closed 31 December 2023 in
# epraccur and absent from December 2025's lists, into WOOLER HEALTH, whose list grew by about
# Cheviot's between January 2021 and December 2025. ODS's file also holds other organisations.
MERGER = ("A84032", "A84604", "20240101")
SUCC_ROWS = [("00C", "16C", "R", "20190401", ""), ("RLN", "R0B", "R", "20190401", ""),
             (*MERGER[:2], "R", MERGER[2], "")]  # fmt: skip
OTHER_SERIES = {  # dataset -> (series slug, title, latest slug, previous slug)
    "gpad": ("appointments-in-general-practice", "Appointments in General Practice",
             "december-2025", "november-2025"),
    "online-consultations": (
        "submissions-via-online-consultation-systems-in-general-practice",
        "Submissions via Online Consultation Systems in General Practice",
        "december-2025", "november-2025"),
    "telephony": ("cloud-based-telephony-data-in-general-practice",
                  "Cloud Based Telephony Data in General Practice", "december-2025",
                  "november-2025"),
    "workforce": ("general-and-personal-medical-services", "General Practice Workforce",
                  "31-december-2025", "30-november-2025"),
    "payments": ("nhs-payments-to-general-practice", "NHS Payments to General Practice",
                 "england-2021-22", "england-2020-21"),
}  # fmt: skip
QOF_SERIES = f"{SERIES}/quality-and-outcomes-framework-achievement-prevalence-and-exceptions-data"
QOF_ZIP = "/files/95/4708D7/QOF2425.zip"
GPPS_PAGE = "/surveysandreports"
GPPS_FILE = (
    "/FileDownload/Download?fileRedirect=2026%2Fsurvey-results%2Fpractice-results%2F"
    "practice-data-csv%2FGPPS_2026_Practice_data_(weighted)_(csv)_PUBLIC.csv"
)


@pytest.fixture(scope="session")
def built(tmp_path_factory, nhs_data_session) -> dict[str, Path]:
    """Files the publisher ships zipped, zipped from the real ones in a temporary folder."""
    folder = tmp_path_factory.mktemp("publisher")
    quin = folder / "gp-reg-pat-prac-quin-age.zip"
    source = nhs_data_session / "patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz"
    with zipfile.ZipFile(quin, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("gp-reg-pat-prac-quin-age.csv", gzip.decompress(source.read_bytes()))
    epcn = folder / "epcn.zip"
    with zipfile.ZipFile(epcn, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(nhs_data_session / "ods/ePCN_2023-02.xlsx", "epcn.xlsx")
    crosstab = folder / "Practice_Level_Crosstab_Oct_25.zip"  # one region's file and the map
    region = nhs_data_session / "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"
    with zipfile.ZipFile(crosstab, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(region.name.removesuffix(".gz"), gzip.decompress(region.read_bytes()))
        archive.write(nhs_data_session / "gpad/Mapping_Nov_25.csv", "Mapping.csv")
    qof = folder / "QOF2425.zip"  # the real 2024-25 prevalence file, as the raw-data zip has it
    with zipfile.ZipFile(qof, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(nhs_data_session / "qof/PREVALENCE_2425.csv", "PREVALENCE_2425.csv")
    succ = folder / "succ.zip"  # ODS's layout: no header, five quoted fields
    with zipfile.ZipFile(succ, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("succ.csv", succ_csv(SUCC_ROWS))
    return {"quin-age zip": quin, "epcn.zip": epcn, "gpad zip": crosstab, "qof zip": qof,
            "succ.zip": succ}  # fmt: skip


def succ_csv(rows) -> str:
    """Rows as ODS writes succ.csv: every field quoted, no header."""
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.fixture(scope="session")
def nhs_data_session():
    from tests.conftest import published_files

    return published_files()


@pytest.fixture
def publisher(nhs_data_session, built):
    """Patients Registered's series and December 2025 edition, and ODS's three files."""
    server = Publisher().start()
    server.page(PATIENTS, "patients-registered-series")
    server.page(f"{PATIENTS}/december-2025", "patients-registered-edition",
                month="December 2025", version="")  # fmt: skip
    for path, name in PATIENT_FILES.items():
        server.files[path] = built.get(name) or nhs_data_session / name
    server.files[DSE_EPRACCUR] = nhs_data_session / "ods/epraccur.csv"
    server.files[EPCN] = built["epcn.zip"]
    server.files[SUCC] = built["succ.zip"]
    yield server
    server.stop()


def serve_other_series(server: Publisher) -> None:
    """The series and December 2025 edition pages of the other monthly publications, QOF's
    series and 2024-25 edition pages, and the GP Patient Survey's reports page (2026)."""
    server.page(QOF_SERIES, "series", series=QOF_SERIES.rsplit("/", 1)[-1],
                title="Quality and Outcomes Framework", latest="2024-25",
                previous="2023-24")  # fmt: skip
    server.page(f"{QOF_SERIES}/2024-25", "qof-edition", year="2024-25", yyyy="2425")
    server.page(GPPS_PAGE, "gpps-reports", year="2026", previous="2025")
    for dataset, (series, title, latest, previous) in OTHER_SERIES.items():
        server.page(f"{SERIES}/{series}", "series", series=series, title=title, latest=latest,
                    previous=previous)  # fmt: skip
        server.page(f"{SERIES}/{series}/{latest}", f"{dataset}-edition",
                    month="December 2025", mon_yy="Dec_25", year="2021-22", yy="21-22")  # fmt: skip
