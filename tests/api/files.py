"""Expected figures read straight from the published files (never typed in)."""

from __future__ import annotations

import csv
import gzip
from collections import Counter, defaultdict

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
MAP_2025 = "patients_registered/gp-reg-pat-prac-map_2025-12.csv"
QUIN_2025 = "patients_registered/gp-reg-pat-prac-quin-age_2025-12.csv.gz"
EPRACCUR = "ods/epraccur.csv"


def list_sizes(nhs_data) -> dict[str, int]:
    with open(nhs_data / ALL_2025, newline="") as handle:
        return {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)}


def practice_map(nhs_data) -> list[dict]:
    with open(nhs_data / MAP_2025, newline="") as handle:
        return list(csv.DictReader(handle))


def members(nhs_data, column: str, code: str) -> set[str]:
    return {r["PRACTICE_CODE"] for r in practice_map(nhs_data) if r[column] == code}


def epraccur_row(nhs_data, code: str) -> list[str]:
    with open(nhs_data / EPRACCUR, newline="", encoding="latin-1") as handle:
        return next(row for row in csv.reader(handle) if row[0] == code)


def age_bands(nhs_data, code: str) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    with gzip.open(nhs_data / QUIN_2025, "rt", newline="") as handle:
        for r in csv.DictReader(handle):
            if r["ORG_TYPE"] == "GP" and r["ORG_CODE"] == code and r["AGE_GROUP_5"] != "ALL":
                counts[(r["SEX"].lower(), r["AGE_GROUP_5"])] += int(r["NUMBER_OF_PATIENTS"])
    return dict(counts)


def icb_count(nhs_data) -> int:
    return len(Counter(r["ICB_CODE"] for r in practice_map(nhs_data)))
