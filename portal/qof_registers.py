"""QOF disease registers and achievement domains the catalogue names (data only, no imports),
so `prevalence_<register>` and `qof_achievement_pct_<domain>` metrics are declared once."""

# GROUP_CODE -> description, as in the publications' MAPPING_INDICATORS files (2019-20 onwards).
REGISTERS: dict[str, str] = {
    "AF": "Atrial fibrillation",
    "AST": "Asthma",
    "CAN": "Cancer",
    "CHD": "Coronary heart disease",
    "CKD": "Chronic kidney disease",
    "COPD": "Chronic obstructive pulmonary disease",
    "DEM": "Dementia",
    "DEP": "Depression",
    "DM": "Diabetes mellitus",
    "EP": "Epilepsy",
    "HF": "Heart failure",
    "HYP": "Hypertension",
    "LD": "Learning disability",
    "MH": "Mental health",
    "NDH": "Non-diabetic hyperglycaemia",
    "OB": "Obesity",
    "OST": "Osteoporosis",
    "PAD": "Peripheral arterial disease",
    "PC": "Palliative care",
    "RA": "Rheumatoid arthritis",
    "STIA": "Stroke and transient ischaemic attack",
}

# DOMAIN_CODE -> description.
DOMAINS: dict[str, str] = {
    "CL": "Clinical",
    "PH": "Public Health",
    "QI": "Quality improvement",
}


def prevalence_metric(group_code: str) -> str:
    return f"prevalence_{group_code.lower()}"


def achievement_metric(domain_code: str | None = None) -> str:
    """qof_achievement_pct for the total, qof_achievement_pct_<domain> for one domain."""
    return "qof_achievement_pct" + (f"_{domain_code.lower()}" if domain_code else "")
