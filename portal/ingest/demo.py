"""Synthetic England written in the publications' real file layouts, then loaded by the ingesters.

Seven regions, 42 ICBs, about 106 sub-ICB locations, 1,250 PCNs and 6,200 practices. Monthly
list sizes for `months` months; age and sex bands for the latest two months (the quin-age file
is the heaviest, and the first `make run` must stay quick).
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl

from portal.config import INSTANCE_DIR
from portal.ingest import load_paths
from portal.ingest.base import Progress
from portal.ingest.demo_activity import write_activity
from portal.ingest.demo_annual import write_annual
from portal.ingest.demo_successors import write_successors
from portal.queries.patients import AGE_BANDS

LATEST_MONTH = date(2025, 12, 1)
REGIONS = [
    ("Y56", "E40000003", "London"),
    ("Y58", "E40000006", "South West"),
    ("Y59", "E40000005", "South East"),
    ("Y60", "E40000011", "Midlands"),
    ("Y61", "E40000007", "East of England"),
    ("Y62", "E40000010", "North West"),
    ("Y63", "E40000012", "North East and Yorkshire"),
]
SYLLABLES = ["ash", "bram", "cal", "dun", "elm", "fen", "gar", "hol", "ing", "kel", "lang",
             "mar", "nor", "oak", "pen", "ridge", "stan", "thorn", "wick", "ford", "ley",
             "by", "ton", "ham", "field", "well", "brook", "dale", "moor", "worth"]  # fmt: skip
SUFFIXES = ["MEDICAL CENTRE", "SURGERY", "HEALTH CENTRE", "MEDICAL PRACTICE", "FAMILY PRACTICE"]
# Share of an average list in each five-year band (0_4 ... 95+), roughly England's shape.
AGE_SHAPE = np.array([5.0, 5.7, 5.9, 5.8, 6.2, 6.8, 7.2, 7.0, 6.6, 6.5, 6.9, 6.8, 6.0, 5.1,
                      4.9, 3.6, 2.5, 1.5, 0.7, 0.2])  # fmt: skip


@dataclass
class SyntheticPractice:
    code: str
    name: str
    town: str
    postcode: str
    pcn: str
    sub_icb: str
    status: str
    base_list: float
    growth: float
    youth: float


def month_list(months: int) -> list[date]:
    """The `months` months ending at LATEST_MONTH, oldest first."""
    result = []
    year, month = LATEST_MONTH.year, LATEST_MONTH.month
    for _ in range(months):
        result.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return result[::-1]


def place_name(rng: np.random.Generator) -> str:
    parts = rng.choice(SYLLABLES, size=2, replace=False)
    return (parts[0] + parts[1]).capitalize()


@dataclass
class SyntheticEngland:
    """What every dataset's demo writer builds on: the hierarchy, practices and months."""

    icbs: list[tuple[str, str, str, str]]  # code, ons code, name, region code
    sub_icbs: list[tuple[str, str, str, str]]  # code, ons code, name, icb code
    pcns: list[tuple[str, str, str]]  # code, name, sub-ICB code
    practices: list[SyntheticPractice]
    months: list[date]  # oldest first, ending at LATEST_MONTH
    list_sizes: dict[tuple[str, date], int]  # (practice code, month) -> registered patients

    def open_practices(self) -> list[SyntheticPractice]:
        return [p for p in self.practices if p.status == "active"]


def build_england(practices: int, rng: np.random.Generator):
    """Regions -> ICBs -> sub-ICBs -> PCNs -> practices with plausible sizes and names."""
    icbs, sub_icbs, pcns, result = [], [], [], []
    pcn_count = max(1, round(practices / 5))
    sub_icb_count = max(len(REGIONS) * 6, round(practices / 58))
    for r_index, (region, _, _name) in enumerate(REGIONS):
        for i in range(6):
            code = f"Q{chr(65 + r_index)}{i}"
            icbs.append(
                (
                    code,
                    f"E54{len(icbs):06d}",
                    f"NHS {place_name(rng)} Integrated Care Board",
                    region,
                )
            )
    for s in range(sub_icb_count):
        icb = icbs[s % len(icbs)]
        code = f"{s:02d}{chr(65 + s % 26)}"
        sub_icbs.append(
            (
                code,
                f"E38{s:06d}",
                f"{icb[2].replace(' Integrated Care Board', ' ICB')} - {code}",
                icb[0],
            )
        )
    for p in range(pcn_count):
        sub_icb = sub_icbs[p % len(sub_icbs)]
        pcns.append((f"U{10000 + p * 7:05d}", f"{place_name(rng).upper()} PCN", sub_icb[0]))
    for n in range(practices):
        pcn = pcns[n % len(pcns)]
        town = place_name(rng)
        code = "A81001" if n == 0 else f"{chr(65 + (n // 90000) % 26)}{82000 + n:05d}"[-6:]
        status = "closed" if rng.random() < 0.02 else "active"
        result.append(
            SyntheticPractice(
                code=code,
                name=f"{town.upper()} {rng.choice(SUFFIXES)}",
                town=town,
                postcode=f"{chr(65 + n % 26)}{chr(65 + (n // 26) % 26)}{1 + n % 30} {n % 10}{chr(65 + n % 23)}{chr(66 + n % 22)}",
                pcn=pcn[0],
                sub_icb=pcn[2],
                status=status,
                base_list=float(np.clip(rng.lognormal(np.log(8800), 0.55), 900, 60000)),
                growth=float(rng.normal(0.002, 0.004)),
                youth=float(rng.normal(0, 0.25)),
            )
        )
    return icbs, sub_icbs, pcns, result


def list_size(p: SyntheticPractice, month_index: int, rng: np.random.Generator) -> int:
    return int(p.base_list * (1 + p.growth) ** month_index + rng.normal(0, 15))


def age_counts(p: SyntheticPractice, total: int, rng: np.random.Generator) -> np.ndarray:
    """Male and female counts per band (2 x 20) summing near `total`."""
    tilt = np.linspace(1 + p.youth, 1 - p.youth, len(AGE_SHAPE)).clip(0.2)
    shares = AGE_SHAPE * tilt * rng.uniform(0.9, 1.1, len(AGE_SHAPE))
    shares = shares / shares.sum()
    female = np.where(np.arange(len(AGE_SHAPE)) >= 15, 0.58, 0.495)
    bands = (shares * total).round()
    return np.vstack([(bands * (1 - female)).round(), (bands * female).round()]).astype(int)


def write_files(folder: Path, practices: int, months: int, seed: int) -> dict[str, list[Path]]:
    """Write every demo file; returns dataset -> files in load order."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    icbs, sub_icbs, pcns, england = build_england(practices, rng)
    sizes_by_month: dict[tuple[str, date], int] = {}
    regions = {r[0]: r for r in REGIONS}
    icb_by_code = {i[0]: i for i in icbs}
    sub_by_code = {s[0]: s for s in sub_icbs}
    pcn_by_code = {p[0]: p for p in pcns}
    calendar = month_list(months)

    epraccur = folder / "epraccur.csv"
    with open(epraccur, "w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        for p in england:
            region = regions[icb_by_code[sub_by_code[p.sub_icb][3]][3]][0]
            closed = p.status == "closed"
            writer.writerow(
                [p.code, p.name, region, "QXX", "THE SURGERY", f"{rng.integers(1, 200)} HIGH STREET",
                 p.town.upper(), "", "", p.postcode, "19740401", "20240331" if closed else "",
                 "C" if closed else "A", "B", p.sub_icb, "20200401", "", "01234 567890", "", "",
                 "", "0", "", p.sub_icb, "", "4", ""]
            )  # fmt: skip

    epcn = folder / "ePCN.xlsx"
    book = openpyxl.Workbook(write_only=True)
    details = book.create_sheet("PCNDetails")
    details.append(["PCN Code", "PCN Name", "Current Sub ICB Loc Code", "Sub ICB Location",
                    "Open Date", "Close Date", "Address Line 1", "Address Line 2",
                    "Address Line 3", "Address Line 4", "Address Line 5", "Postcode"])  # fmt: skip
    for code, name, sub_icb in pcns:
        details.append(
            [code, name, sub_icb, sub_by_code[sub_icb][2], "20190701", "", "", "", "", "", "", ""]
        )
    partners = book.create_sheet("PCN Core Partner Details")
    partners.append(["Partner\nOrganisation\nCode", "Partner\nName", "Practice\nParent\nSub ICB Loc Code",
                     "Practice\nParent\nSub ICB Loc Name", "PCN Code", "PCN Name",
                     "PCN Parent\nSub ICB Loc Code", "PCN Parent\nSub ICB Loc Name",
                     "Practice to PCN\nRelationship\nStart Date", "Practice to PCN\nRelationship\nEnd Date",
                     "Practice Sub ICB Loc and PCN Sub ICB Loc Match "])  # fmt: skip
    for p in england:
        pcn = pcn_by_code[p.pcn]
        partners.append([p.code, p.name, p.sub_icb, sub_by_code[p.sub_icb][2], pcn[0], pcn[1],
                         pcn[2], sub_by_code[pcn[2]][2], "20190701", None, True])  # fmt: skip
    book.save(epcn)

    latest = calendar[-1]
    mapping = folder / f"gp-reg-pat-prac-map_{latest:%Y-%m}.csv"
    with open(mapping, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME",
                         "PRACTICE_POSTCODE", "PCN_CODE", "PCN_NAME", "ONS_SUB_ICB_LOCATION_CODE",
                         "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "ONS_ICB_CODE",
                         "ICB_CODE", "ICB_NAME", "ONS_COMM_REGION_CODE", "COMM_REGION_CODE",
                         "COMM_REGION_NAME", "SUPPLIER_NAME"])  # fmt: skip
        for p in england:
            if p.status != "active":
                continue
            sub = sub_by_code[p.sub_icb]
            icb = icb_by_code[sub[3]]
            region = regions[icb[3]]
            writer.writerow(["GP_PRAC_PAT_LIST", f"{latest:%d%b%Y}", p.code, p.name, p.postcode,
                             p.pcn, pcn_by_code[p.pcn][1], sub[1], sub[0], sub[2], icb[1], icb[0],
                             icb[2], region[1], region[0], region[2], "EMIS"])  # fmt: skip

    all_files, quin_files = [], []
    for index, month in enumerate(calendar):
        path = folder / f"gp-reg-pat-prac-all_{month:%Y-%m}.csv"
        sizes = {}
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["PUBLICATION", "EXTRACT_DATE", "TYPE", "SUB_ICB_LOCATION_CODE",
                             "ONS_SUB_ICB_LOCATION_CODE", "CODE", "POSTCODE", "SEX", "AGE",
                             "NUMBER_OF_PATIENTS"])  # fmt: skip
            for p in england:
                if p.status != "active" and index >= len(calendar) - 20:
                    continue
                sizes[p.code] = list_size(p, index, rng)
                sizes_by_month[(p.code, month)] = sizes[p.code]
                writer.writerow(["GP_PRAC_PAT_LIST", f"{month:%Y-%m-%d}", "GP", p.sub_icb,
                                 sub_by_code[p.sub_icb][1], p.code, p.postcode, "ALL", "ALL",
                                 sizes[p.code]])  # fmt: skip
        all_files.append(path)
        if index < len(calendar) - 2:
            continue
        quin = folder / f"gp-reg-pat-prac-quin-age_{month:%Y-%m}.csv.gz"
        with gzip.open(quin, "wt", newline="", compresslevel=1) as handle:
            writer = csv.writer(handle)
            writer.writerow(["PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE",
                             "POSTCODE", "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"])  # fmt: skip
            for p in england:
                if p.code not in sizes:
                    continue
                counts = age_counts(p, sizes[p.code], rng)
                for s_index, sex in enumerate(("MALE", "FEMALE")):
                    for band, count in zip(AGE_BANDS, counts[s_index], strict=True):
                        writer.writerow(["GP_PRAC_PAT_LIST", f"{month:%Y-%m-%d}", "GP", p.code, "",
                                         p.postcode, sex, band, count])  # fmt: skip
        quin_files.append(quin)
    files = {
        "ods-practices": [epraccur],
        "ods-pcns": [epcn],
        "patients-registered": [mapping, *all_files, *quin_files],
    }
    synthetic = SyntheticEngland(icbs, sub_icbs, pcns, england, calendar, sizes_by_month)
    for writer in DEMO_WRITERS:
        files.update(writer(folder, synthetic, rng))
    return files


# Each further dataset adds a writer here: (folder, england, rng) -> {dataset: [files in load
# order]}. Writers run after the registered-patient files, and load in this order.
DEMO_WRITERS: list = [write_annual, write_activity, write_successors]


def load_demo(
    practices: int = 6200,
    months: int = 24,
    seed: int = 2026,
    folder: Path | None = None,
    progress: Progress | None = None,
) -> None:
    """Write the synthetic files and load each dataset through its real ingester."""
    folder = folder or INSTANCE_DIR / "demo-data"
    if progress:
        progress(
            f"writing synthetic England ({practices:,} practices, {months} months) to {folder}"
        )
    files = write_files(folder, practices, months, seed)
    for dataset, paths in files.items():
        load_paths(dataset, paths, synthetic=True, progress=progress)
