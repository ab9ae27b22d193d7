"""Where the publishers are: base URLs and the User-Agent from settings, so that tests and
mirrors point a fetch at another host."""

from __future__ import annotations

from flask import current_app

STATISTICAL = "/data-and-information/publications/statistical"
EPCN_WORKBOOK = (
    "/binaries/content/assets/website-assets/services/ods/"
    "data-downloads-other-nhs-organisations/epcn.zip"
)
SUCCESSORS_FILE = (  # ODS's successor organisations, beside the ePCN workbook
    "/binaries/content/assets/website-assets/services/ods/"
    "data-downloads-other-nhs-organisations/succ.zip"
)


def nhs_digital(path: str) -> str:
    """A page or file on NHS England's digital.nhs.uk (NHS_DIGITAL_BASE_URL)."""
    return current_app.config["NHS_DIGITAL_BASE_URL"] + path


def ods_dse(path: str) -> str:
    """An ODS Data Search and Export API address (ODS_DSE_BASE_URL)."""
    return current_app.config["ODS_DSE_BASE_URL"] + path


def gp_patient(path: str) -> str:
    """A page or file on the GP Patient Survey's site, gp-patient.co.uk (GPPS_BASE_URL)."""
    return current_app.config["GPPS_BASE_URL"] + path


def user_agent() -> str:
    """The User-Agent of every fetch: NHS England's firewall turns away library defaults."""
    return current_app.config["FETCH_USER_AGENT"]
