"""Demo files for the annual and snapshot datasets, in the publications' layouts: workforce for
the latest three months, and two years each of the GP Patient Survey, QOF (prevalence, mapping,
achievement) and NHS Payments to General Practice. Values are synthetic but plausible: staffing
scales with list size, prevalence varies around England's rates, payments around £160 a head.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# QOF registers for the demo: group -> (description, list type, typical prevalence %).
DEMO_REGISTERS = {
    "AST": ("Asthma", "06OV", 6.5),
    "CHD": ("Secondary prevention of coronary heart disease", "TOTAL", 3.0),
    "CKD": ("Chronic kidney disease", "18OV", 4.0),
    "COPD": ("Chronic obstructive pulmonary disease", "TOTAL", 1.9),
    "DEP": ("Depression", "18OV", 13.0),
    "DM": ("Diabetes mellitus", "17OV", 7.3),
    "HYP": ("Hypertension", "TOTAL", 14.0),
    "MH": ("Mental health", "TOTAL", 0.95),
}
# Indicators: code -> (points, group, domain), a subset of a real year's.
DEMO_INDICATORS = {
    "AST007": (20, "AST", "CL"), "CHD008": (17, "CHD", "CL"), "COPD010": (9, "COPD", "CL"),
    "DM012": (4, "DM", "CL"), "DM036": (17, "DM", "CL"), "HYP008": (14, "HYP", "CL"),
    "MH002": (6, "MH", "CL"), "DEP004": (10, "DEP", "CL"), "CS005": (7, "CS", "PH"),
    "SMOK002": (25, "SMOK", "PH"), "BP002": (15, "BP", "PH"), "QIECD005": (37, "QIECD", "QI"),
    "QILD005": (37, "QILD", "QI"),
}  # fmt: skip
GROUP_NAMES = {code: name for code, (name, _, _) in DEMO_REGISTERS.items()} | {
    "CS": "Cervical screening", "SMOK": "Smoking", "BP": "Blood pressure",
    "QIECD": "Early cancer diagnosis", "QILD": "Care of people with learning disabilities",
}  # fmt: skip
DOMAIN_NAMES = {"CL": "Clinical", "PH": "Public Health", "QI": "Quality improvement"}
GPPS_QUESTIONS = {"overallexp": 0.72, "gpcontactoverall": 0.67, "lastgpapptneeds": 0.9}
# (financial year, survey year, list-size month) for the two demo years, oldest first.
YEARS = (("2023-24", "2024", (2024, 3)), ("2024-25", "2025", (2025, 3)))


def write_annual(folder: Path, england, rng: np.random.Generator) -> dict[str, list[Path]]:
    """Write the demo files; returns dataset -> files in load order."""
    folder = folder / "annual"
    folder.mkdir(parents=True, exist_ok=True)
    practices = england.open_practices()
    codes = np.array([p.code for p in practices])
    size_of = england.list_sizes
    files: dict[str, list[Path]] = {
        "workforce": [], "gpps": [], "qof-prevalence": [], "qof-achievement": [], "payments": [],
    }  # fmt: skip
    months = england.months
    for month in months[-3:]:
        sizes = np.array([size_of.get((c, month), 0) for c in codes], dtype=float)
        files["workforce"].append(_workforce(folder, month, practices, sizes, rng))

    fallback = months[-1]
    for financial, survey, (year, month_no) in YEARS:
        month = next((m for m in months if (m.year, m.month) == (year, month_no)), fallback)
        sizes = np.array([size_of.get((c, month), 0) for c in codes], dtype=float)
        files["gpps"].append(_gpps(folder, survey, practices, sizes, rng))
        pair = financial[2:4] + financial[5:7]
        files["qof-prevalence"].extend(_qof_prevalence(folder, pair, codes, sizes, rng))
        files["qof-achievement"].append(_qof_achievement(folder, pair, codes, rng))
        files["payments"].append(_payments(folder, financial, practices, sizes, rng))
    files["deprivation"] = [_deprivation(folder, practices)]
    return files


FINGERTIPS_COLUMNS = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name",
    "Area Type", "Sex", "Age", "Category Type", "Category", "Time period", "Value",
    "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Lower CI 99.8 limit", "Upper CI 99.8 limit",
    "Count", "Denominator", "Value note", "Recent Trend", "Compared to England value or percentiles",
    "Compared to percentiles", "Time period Sortable", "New data", "Compared to goal",
    "Time period range",
]  # fmt: skip


def _deprivation(folder: Path, practices) -> Path:
    """IMD 2025 scores in the Fingertips download layout (England row first, then practices);
    its own random stream, so the other demo files stay as they were."""
    rng = np.random.default_rng(94240)
    scores = np.clip(rng.gamma(4.0, 5.5, len(practices)), 2.0, 75.0).round(3)
    rows = [
        [
            "94240",
            "Deprivation score (IMD 2025)",
            "",
            "",
            "E92000001",
            "England",
            "England",
            "Persons",
            "All ages",
            "",
            "",
            "2025",
            f"{scores.mean():.5f}",
        ]
    ]
    rows += [["94240", "Deprivation score (IMD 2025)", "E92000001", "England", p.code, p.name,
              "GPs", "Persons", "All ages", "", "", "2025", f"{score:.3f}"]
             for p, score in zip(practices, scores, strict=True)]  # fmt: skip
    frame = pd.DataFrame([r + [""] * (len(FINGERTIPS_COLUMNS) - len(r)) for r in rows],
                         columns=FINGERTIPS_COLUMNS)  # fmt: skip
    return _write(frame, folder / "indicator_94240_gp.csv", bom=True)


def _write(frame: pd.DataFrame, path: Path, *, bom: bool = False) -> Path:
    frame.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8", float_format="%.6g")
    return path


def _workforce(folder: Path, month, practices, sizes: np.ndarray, rng) -> Path:
    n = len(practices)
    fte = {
        "GP": sizes / rng.normal(2200, 350, n).clip(900),
        "NURSES": sizes / rng.normal(4500, 900, n).clip(1500),
        "DPC": sizes / rng.normal(4000, 1000, n).clip(1200),
        "ADMIN": sizes / rng.normal(1050, 200, n).clip(400),
    }
    frame = pd.DataFrame(
        {
            "PRAC_CODE": [p.code for p in practices],
            "PRAC_NAME": [p.name for p in practices],
            "SUB_ICB_CODE": [p.sub_icb for p in practices],
            "PCN_CODE": [p.pcn for p in practices],
            "TOTAL_PATIENTS": sizes.astype(int),
        }
    )
    for staff, values in fte.items():
        values = values.round(2)
        frame[f"TOTAL_{staff}_HC"] = np.ceil(values * rng.uniform(1.1, 1.5, n)).astype(int)
        frame[f"TOTAL_{staff}_FTE"] = values
    undisclosed = rng.random(n) < 0.02  # ND: not disclosed, never zero
    frame[["TOTAL_GP_HC", "TOTAL_GP_FTE"]] = frame[["TOTAL_GP_HC", "TOTAL_GP_FTE"]].astype(object)
    frame.loc[undisclosed, ["TOTAL_GP_HC", "TOTAL_GP_FTE"]] = "ND"
    return _write(frame, folder / f"General Practice – {month:%B %Y} Practice Level.csv")


def _gpps(folder: Path, year: str, practices, sizes: np.ndarray, rng) -> Path:
    n = len(practices)
    distributed = np.clip(sizes * 0.035, 100, 600).round()
    received = (distributed * rng.uniform(0.2, 0.45, n)).round()
    frame = pd.DataFrame(
        {
            "ad_practicecode": [p.code for p in practices],
            "ad_practicename": [p.name for p in practices],
            "ad_pcncode": [p.pcn for p in practices],
            "distributed": distributed.astype(int),
            "received": received.astype(int),
            "resprate": received / distributed,
            "popsize": sizes.astype(int),
        }
    )
    weighted_base = received * rng.uniform(0.8, 1.6, n)
    for question, mean in GPPS_QUESTIONS.items():
        share = np.clip(rng.normal(mean, 0.1, n), 0.2, 0.995)
        half = 1.96 * np.sqrt(share * (1 - share) / np.maximum(received, 1))
        frame[f"{question}.counteval"] = share * weighted_base
        frame[f"{question}.baseevaluw"] = received.astype(int)
        frame[f"{question}.baseevalw"] = weighted_base
        frame[f"{question}.pcteval"] = share
        frame[f"{question}.lowileval"] = np.clip(share - half, 0, 1)
        frame[f"{question}.hiwileval"] = np.clip(share + half, 0, 1)
    return _write(frame, folder / f"GPPS_{year}_practice_weighted.csv")


def _qof_prevalence(folder: Path, pair: str, codes, sizes: np.ndarray, rng) -> list[Path]:
    mapping = pd.DataFrame(
        [
            (code, points, group, GROUP_NAMES[group], domain, DOMAIN_NAMES[domain],
             DEMO_REGISTERS.get(group, ("", "TOTAL", 0))[1])
            for code, (points, group, domain) in DEMO_INDICATORS.items()
        ],
        columns=["INDICATOR_CODE", "INDICATOR_POINT_VALUE", "GROUP_CODE", "GROUP_DESCRIPTION",
                 "DOMAIN_CODE", "DOMAIN_DESCRIPTION", "PATIENT_LIST_TYPE"],
    )  # fmt: skip
    n = len(codes)
    share_of_list = {"TOTAL": 1.0, "06OV": 0.93, "17OV": 0.8, "18OV": 0.79}
    parts = []
    for group, (_name, list_type, rate) in DEMO_REGISTERS.items():
        list_size = (sizes * share_of_list[list_type]).round().astype(int)
        prevalence = np.clip(rng.normal(rate, rate * 0.3, n), rate * 0.1, rate * 3) / 100
        parts.append(
            pd.DataFrame(
                {
                    "PRACTICE_CODE": codes,
                    "GROUP_CODE": group,
                    "REGISTER": (list_size * prevalence).round().astype(int),
                    "PATIENT_LIST_TYPE": list_type,
                    "PRACTICE_LIST_SIZE": list_size,
                }
            )  # fmt: skip
        )
    prevalence = pd.concat(parts, ignore_index=True)
    return [
        _write(mapping, folder / f"MAPPING_INDICATORS_{pair}.csv"),
        _write(prevalence, folder / f"PREVALENCE_{pair}.csv"),
    ]


def _qof_achievement(folder: Path, pair: str, codes, rng) -> Path:
    """Long format PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE (the documented layout)."""
    n = len(codes)
    quality = rng.beta(9, 1.2, n)  # a practice's general level of achievement
    parts = []
    for code, (points, _group, _domain) in DEMO_INDICATORS.items():
        denominator = rng.integers(20, 900, n)
        rate = np.clip(quality * rng.uniform(0.85, 1.05, n), 0, 1)
        numerator = (denominator * rate).round().astype(int)
        achieved = (points * np.clip((rate - 0.4) / 0.5, 0, 1)).round(2)
        for measure, values in (
            ("ACHIEVED_POINTS", achieved),
            ("NUMERATOR", numerator),
            ("DENOMINATOR", denominator),
        ):
            parts.append(
                pd.DataFrame(
                    {
                        "PRACTICE_CODE": codes,
                        "INDICATOR_CODE": code,
                        "MEASURE": measure,
                        "VALUE": values,
                    }
                )  # fmt: skip
            )
    return _write(pd.concat(parts, ignore_index=True), folder / f"ACHIEVEMENT_{pair}.csv")


def _payments(folder: Path, financial: str, practices, sizes: np.ndarray, rng) -> Path:
    """Title-case headings, a BOM, a trailing space, and a column set that drifts by year."""
    n = len(practices)
    weighted = sizes * rng.normal(1.0, 0.08, n).clip(0.7, 1.4)
    lines = {
        "Global Sum": weighted * 102.0,
        "Total QOF Payments": sizes * rng.normal(14, 2.5, n).clip(2),
        "Premises Payments": sizes * rng.gamma(2, 7, n),
        "Appraisal Costs ": sizes * rng.uniform(0, 1.2, n),
        "Dispensing Fee Payments": np.where(rng.random(n) < 0.15, sizes * rng.gamma(2, 20, n), 0),
        "Other Payments": sizes * rng.gamma(2, 3, n),
    }
    if financial >= "2024-25":  # the column set drifts: a new line this year
        lines["Winter Access Fund"] = sizes * rng.uniform(0, 3, n)
    total = sum(lines.values())
    frame = pd.DataFrame(
        {
            "Practice Code": [p.code for p in practices],
            "Practice Name": [p.name for p in practices],
            "PCN Code": [p.pcn for p in practices],
            "Practice Open Date": "01/04/1974",
            "Number of Registered Patients (Last Known Figure)": sizes.round(2),
            "Number of Weighted Patients (Last Known Figure)": weighted.round(2),
            "Average payments per registered patient": (total / np.maximum(sizes, 1)).round(2),
            "Average payments per weighted patient": (total / np.maximum(weighted, 1)).round(2),
        }
    )
    for heading, values in lines.items():
        frame[heading] = np.round(values, 2)
    frame["Total NHS Payments to General Practice"] = np.round(total, 2)
    return _write(frame, folder / f"nhs-payments-gp-practice-{financial}.csv", bom=True)
