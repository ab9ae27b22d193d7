"""ePCN workbook: PCNs and which practices belong to them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd

from portal.extensions import db
from portal.ingest.base import (
    IngestError,
    Progress,
    first_bad,
    max_extracted_bytes,
    normalise_header,
    record_load,
    require_columns,
    too_big,
    upsert,
)
from portal.models import Pcn, Practice

DATASET = "ods-pcns"
DETAILS_SHEET = "PCNDETAILS"
PARTNERS_SHEET = "PCN CORE PARTNER DETAILS"
SUB_ICB_COLUMNS = ("CURRENT SUB ICB LOC CODE", "CURRENT CLINICAL COMMISSIONING GROUP CODE")


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    path = Path(path)
    sheets = _read_workbook(path)
    details = _sheet(sheets, DETAILS_SHEET, path)
    partners = _sheet(sheets, PARTNERS_SHEET, path)
    sub_icb_column = next((c for c in SUB_ICB_COLUMNS if c in details.columns), None)
    require_columns(details, ["PCN CODE", "PCN NAME"], path, "ePCN PCNDetails")
    if sub_icb_column is None:
        raise IngestError(path, f"sheet PCNDetails: missing column {SUB_ICB_COLUMNS[0]}", line=1)
    require_columns(partners, ["PARTNER ORGANISATION CODE", "PCN CODE"], path, "ePCN partners")
    end_column = next((c for c in partners.columns if "END DATE" in c), None)

    pcns = pd.DataFrame(
        {
            "code": details["PCN CODE"].str.strip(),
            "name": details["PCN NAME"].str.strip(),
            "sub_icb_code": details[sub_icb_column].str.strip().replace("", None),
        }
    )
    position = first_bad(pcns["code"].eq("") | pcns["code"].duplicated())
    if position is not None:
        raise IngestError(
            path,
            "sheet PCNDetails: empty or repeated PCN code",
            line=position + 2,
            column="PCN Code",
        )
    current = partners
    if end_column is not None:
        current = partners[partners[end_column].str.strip().eq("")]
    members = dict(
        zip(
            current["PARTNER ORGANISATION CODE"].str.strip(),
            current["PCN CODE"].str.strip(),
            strict=True,
        )
    )
    if progress:
        progress(f"{len(pcns):,} PCNs, {len(members):,} current practice memberships")
    with db.engine.begin() as conn:
        upsert(conn, Pcn.__table__, pcns)
        links = pd.DataFrame({"code": list(members), "pcn_code": list(members.values())})
        upsert(conn, Practice.__table__, links, fields=["pcn_code"], insert_new=False)
        result = record_load(
            conn,
            dataset=DATASET,
            period="current",
            path=path,
            rows_read=len(details) + len(partners),
            rows_loaded=len(pcns) + len(links),
            synthetic=synthetic,
        )
    return [result]


def _read_workbook(path: Path) -> dict[str, pd.DataFrame]:
    """The workbook's sheets; a workbook is a zip, so its declared size must fit the cap."""
    cap = max_extracted_bytes()
    try:
        with zipfile.ZipFile(path) as book:
            declared = sum(member.file_size for member in book.infolist())
        if declared > cap:
            raise too_big(path, cap, declared)
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise IngestError(path, f"not a readable ePCN workbook ({exc})") from None
    cleaned = {}
    for name, frame in sheets.items():
        frame.columns = [normalise_header(c) for c in frame.columns]
        cleaned[normalise_header(name)] = frame.fillna("")
    return cleaned


def _sheet(sheets: dict[str, pd.DataFrame], name: str, path: Path) -> pd.DataFrame:
    if name not in sheets:
        raise IngestError(path, f"missing sheet {name!r}; is this an ePCN workbook?")
    return sheets[name]
