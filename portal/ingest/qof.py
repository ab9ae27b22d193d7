"""Quality and Outcomes Framework raw files for one financial year.

`qof-prevalence` loads PREVALENCE_<yyyy> (one row per practice and register) and
`qof-achievement` loads ACHIEVEMENT_<yyyy> (long: PRACTICE_CODE, INDICATOR_CODE, MEASURE, VALUE);
both load MAPPING_INDICATORS_<yyyy>, which gives each indicator's points, register and domain.
The year comes from the file name ('PREVALENCE_2021_v2' = 2020-21, '_2223' = 2022-23,
'PREVALENCE_2425' = 2024-25) or --period. REGISTER may be written as a decimal ('703.0', as in
2024-25); one that is not a whole number is an error naming the file, line and column. Prevalence
needs no MAPPING_INDICATORS: without one for the year (none could be obtained for 2024-25) the
registers and prevalence metrics load, but that year's achievement cannot (points available per
domain come from the mapping) and the indicators' descriptions are absent. The other
files of the publication (geographies, PCA mapping, organisation reference, validation
outcomes) carry nothing the metrics need and are skipped, as is the other dataset's main file
when a whole folder is loaded.

No achievement file was available: its ingester follows the documented layout (DESIGN.md §5).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest.base import (
    IngestError,
    Progress,
    check_unique,
    first_bad,
    line_of,
    parse_numbers,
    read_csv,
    require_columns,
    require_values,
)
from portal.ingest.periods import FINANCIAL, financial_year_from_name, resolve_period
from portal.ingest.read import header_of
from portal.ingest.store import Facts, Load, store_period
from portal.models import QofAchievement, QofIndicator, QofPrevalence
from portal.qof_registers import DOMAINS, REGISTERS, achievement_metric, prevalence_metric

PREVALENCE = "qof-prevalence"
ACHIEVEMENT = "qof-achievement"
PREVALENCE_COLUMNS = ["PRACTICE_CODE", "GROUP_CODE", "REGISTER", "PATIENT_LIST_TYPE",
                      "PRACTICE_LIST_SIZE"]  # fmt: skip
MAPPING_COLUMNS = ["INDICATOR_CODE", "INDICATOR_POINT_VALUE", "GROUP_CODE", "GROUP_DESCRIPTION",
                   "DOMAIN_CODE", "DOMAIN_DESCRIPTION", "PATIENT_LIST_TYPE"]  # fmt: skip
ACHIEVEMENT_COLUMNS = ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE", "VALUE"]
ACHIEVEMENT_MEASURES = {
    "ACHIEVED_POINTS": "achieved_points",
    "NUMERATOR": "numerator",
    "DENOMINATOR": "denominator",
    "PCAS": "pcas",
}


def _kind(columns: list[str]) -> str | None:
    columns = set(columns)
    if {"INDICATOR_POINT_VALUE", "DOMAIN_CODE"} <= columns:
        return "mapping"
    if {"REGISTER", "PRACTICE_LIST_SIZE"} <= columns:
        return PREVALENCE
    if {"MEASURE", "VALUE", "INDICATOR_CODE"} <= columns:
        return ACHIEVEMENT
    if {"PRACTICE_CODE"} & columns or {"INDICATOR_CODE"} & columns or "NAT_CODE" in columns:
        return "other"
    return None


def _load(path, dataset: str, synthetic: bool, progress: Progress | None, period: str | None):
    path = Path(path)
    period = resolve_period(path, period, financial_year_from_name, FINANCIAL, "2020-21")
    kind = _kind(header_of(path, errors="replace"))  # lenient: skipped files need not be UTF-8
    if kind in (None, "other"):  # a published name says what the file should be
        named = path.name.upper()
        for prefix, what in (("PREVALENCE", PREVALENCE), ("ACHIEVEMENT", ACHIEVEMENT),
                             ("MAPPING_INDICATORS", "mapping")):  # fmt: skip
            if named.startswith(prefix):
                kind = what
    if kind is None:
        raise IngestError(
            path,
            f"not a QOF file: expected the columns of PREVALENCE ({', '.join(PREVALENCE_COLUMNS)}), "
            f"ACHIEVEMENT ({', '.join(ACHIEVEMENT_COLUMNS)}) or MAPPING_INDICATORS",
            line=1,
        )
    if kind not in ("mapping", dataset):
        if progress:
            progress(f"skipped {path.name}: not a {dataset} file")
        return []
    if kind == ACHIEVEMENT:
        group = achievement_group(path, period)
        if path != group[0]:  # a later region's file: loaded with the first one
            if progress:
                progress(f"{path.name}: loaded with {group[0].name} (one load for {period})")
            return []
        return _load_achievement(group, period, synthetic, progress)
    frame = read_csv(path, [], dataset=dataset)
    if kind == "mapping":
        return _load_mapping(frame, path, dataset, period, synthetic)
    return _load_prevalence(frame, path, period, synthetic, progress)


def achievement_group(path: Path, period: str) -> list[Path]:
    """The year's ACHIEVEMENT files in the file's folder, in name order: from 2022-23 there is
    one per region, and a year's load must hold them all (each load replaces the year)."""
    group = [
        p
        for p in sorted(path.parent.iterdir())
        if p.name.upper().startswith("ACHIEVEMENT")
        and p.name.lower().endswith((".csv", ".csv.gz"))
        and financial_year_from_name(p.name) == period
    ]
    return group if path in group else [path]


def load_prevalence(
    path: str | Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
):
    """Load a PREVALENCE or MAPPING_INDICATORS file (other QOF files are skipped)."""
    return _load(path, PREVALENCE, synthetic, progress, period)


def load_achievement(
    path: str | Path,
    *,
    synthetic: bool = False,
    progress: Progress | None = None,
    period: str | None = None,
):
    """Load an ACHIEVEMENT or MAPPING_INDICATORS file (other QOF files are skipped)."""
    return _load(path, ACHIEVEMENT, synthetic, progress, period)


def _strip(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: frame[c].str.strip() for c in columns})


def read_mapping(frame: pd.DataFrame, path: Path, period: str) -> pd.DataFrame:
    require_columns(frame, MAPPING_COLUMNS, path, "MAPPING_INDICATORS")
    require_values(frame, ["INDICATOR_CODE", "GROUP_CODE", "DOMAIN_CODE"], path)
    mapping = _strip(frame, MAPPING_COLUMNS)
    check_unique(mapping, ["INDICATOR_CODE"], path)
    return pd.DataFrame(
        {
            "period": period,
            "indicator_code": mapping["INDICATOR_CODE"],
            "point_value": parse_numbers(frame, "INDICATOR_POINT_VALUE", path, integer=False),
            "group_code": mapping["GROUP_CODE"],
            "group_description": mapping["GROUP_DESCRIPTION"],
            "domain_code": mapping["DOMAIN_CODE"],
            "domain_description": mapping["DOMAIN_DESCRIPTION"],
            "patient_list_type": mapping["PATIENT_LIST_TYPE"],
        }
    )


def _load_mapping(frame, path: Path, dataset: str, period: str, synthetic: bool):
    indicators = read_mapping(frame, path, period)
    return store_period(
        period,
        [Facts(QofIndicator.__table__, indicators)],
        loads=[Load(dataset, path, len(frame), len(indicators), synthetic, part="mapping")],
    )


def _load_prevalence(frame, path: Path, period: str, synthetic: bool, progress):
    require_columns(frame, PREVALENCE_COLUMNS, path, PREVALENCE)
    require_values(frame, ["PRACTICE_CODE", "GROUP_CODE", "PATIENT_LIST_TYPE"], path)
    keys = _strip(frame, ["PRACTICE_CODE", "GROUP_CODE", "PATIENT_LIST_TYPE"])
    check_unique(keys, ["PRACTICE_CODE", "GROUP_CODE"], path)
    facts = pd.DataFrame(
        {
            "practice_code": keys["PRACTICE_CODE"].str.upper(),
            "period": period,
            "group_code": keys["GROUP_CODE"].str.upper(),
            "patient_list_type": keys["PATIENT_LIST_TYPE"],
            "register": parse_numbers(frame, "REGISTER", path),
            "list_size": parse_numbers(frame, "PRACTICE_LIST_SIZE", path),
        }
    )
    metrics = []
    unknown = []
    for group, rows in facts.groupby("group_code"):
        if group not in REGISTERS:
            unknown.append(group)
            continue
        values = rows[["practice_code", "register", "list_size"]]
        metrics.append((prevalence_metric(group), values.set_axis(
            ["practice_code", "numerator", "denominator"], axis=1)))  # fmt: skip
    if progress:
        progress(
            f"{facts['practice_code'].nunique():,} practices, {len(metrics)} registers for {period}"
            + (f" (no metric for {', '.join(unknown)})" if unknown else "")
        )
        if not _has_mapping(path, period):
            progress(
                f"no MAPPING_INDICATORS for {period}: prevalence loads; achievement for "
                f"{period} cannot until one is loaded"
            )
    return store_period(
        period,
        [Facts(QofPrevalence.__table__, facts)],
        metrics=metrics,
        loads=[Load(PREVALENCE, path, len(frame), len(facts), synthetic, part="prevalence")],
    )


def _mapping_beside(path: Path, period: str) -> Path | None:
    """MAPPING_INDICATORS for the same year in the file's folder, if there is one."""
    for sibling in sorted(path.parent.iterdir()):
        name = sibling.name.upper()
        if (
            name.startswith("MAPPING_INDICATORS")
            and name.endswith((".CSV", ".CSV.GZ"))
            and financial_year_from_name(sibling.name) == period
        ):
            return sibling
    return None


def _has_mapping(path: Path, period: str) -> bool:
    """Whether the year's indicators are beside the file or already loaded."""
    t = QofIndicator.__table__
    stored = db.session.execute(sa.select(t.c.period).where(t.c.period == period).limit(1))
    return _mapping_beside(path, period) is not None or stored.first() is not None


def _sibling_mapping(path: Path, period: str) -> pd.DataFrame | None:
    """MAPPING_INDICATORS for the same year beside the achievement file, read, if there is one."""
    sibling = _mapping_beside(path, period)
    if sibling is None:
        return None
    return read_mapping(read_csv(sibling, MAPPING_COLUMNS), sibling, period)


def _stored_mapping(period: str) -> pd.DataFrame:
    t = QofIndicator.__table__
    rows = db.session.execute(sa.select(t).where(t.c.period == period)).all()
    return pd.DataFrame(rows, columns=[c.name for c in t.columns])


def _achievement_rows(path: Path) -> pd.DataFrame:
    """One ACHIEVEMENT file's rows, checked (errors name its own lines), VALUE as numbers."""
    frame = read_csv(path, [], dataset=ACHIEVEMENT)
    require_columns(frame, ACHIEVEMENT_COLUMNS, path, ACHIEVEMENT)
    require_values(frame, ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE"], path)
    long = _strip(frame, ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE"])
    long["PRACTICE_CODE"] = long["PRACTICE_CODE"].str.upper()
    long["MEASURE"] = long["MEASURE"].str.upper()
    check_unique(long, ["PRACTICE_CODE", "INDICATOR_CODE", "MEASURE"], path)
    long["VALUE"] = parse_numbers(frame, "VALUE", path, integer=False)
    return long


def _load_achievement(paths: list[Path], period: str, synthetic: bool, progress):
    path = paths[0]
    files = [(p, _achievement_rows(p)) for p in paths]
    mapping = _sibling_mapping(path, period)
    facts_extra = []
    if mapping is not None:
        facts_extra = [Facts(QofIndicator.__table__, mapping)]
    else:
        mapping = _stored_mapping(period)
    if mapping.empty:
        raise IngestError(
            path,
            f"no MAPPING_INDICATORS for {period}: put it beside this file or load it first",
        )
    seen: dict[str, str] = {}  # practice -> the regional file that holds it
    for source, rows in files:
        unknown = ~rows["INDICATOR_CODE"].isin(mapping["indicator_code"])
        position = first_bad(unknown)
        if position is not None:
            raise IngestError(
                source,
                f"indicator {rows['INDICATOR_CODE'].iloc[position]!r} is not in "
                f"MAPPING_INDICATORS for {period}",
                line=line_of(position),
                column="INDICATOR_CODE",
            )
        repeated = rows["PRACTICE_CODE"].isin(seen)
        position = first_bad(repeated)
        if position is not None:
            code = rows["PRACTICE_CODE"].iloc[position]
            raise IngestError(
                source,
                f"practice {code} is also in {seen[code]}",
                line=line_of(position),
                column="PRACTICE_CODE",
            )
        seen.update(dict.fromkeys(rows["PRACTICE_CODE"].unique(), source.name))
    long = pd.concat([rows for _, rows in files], ignore_index=True)
    if not long["MEASURE"].eq("ACHIEVED_POINTS").any():
        raise IngestError(
            path, "no ACHIEVED_POINTS rows: not an achievement file?", column="MEASURE"
        )

    kept = long[long["MEASURE"].isin(ACHIEVEMENT_MEASURES)]
    wide = kept.pivot(
        index=["PRACTICE_CODE", "INDICATOR_CODE"], columns="MEASURE", values="VALUE"
    ).reset_index()
    facts = pd.DataFrame(
        {
            "practice_code": wide["PRACTICE_CODE"],
            "period": period,
            "indicator_code": wide["INDICATOR_CODE"],
            **{
                field: wide[measure] if measure in wide.columns else pd.NA
                for measure, field in ACHIEVEMENT_MEASURES.items()
            },
        }
    )
    metrics = achievement_values(facts, mapping)
    if progress:
        progress(
            f"{facts['practice_code'].nunique():,} practices, "
            f"{facts['indicator_code'].nunique()} indicators for {period}"
            + (f" from {len(paths)} regional files" if len(paths) > 1 else "")
        )
    return store_period(
        period,
        [Facts(QofAchievement.__table__, facts), *facts_extra],
        metrics=metrics,
        loads=[Load(ACHIEVEMENT, path, len(long), len(facts), synthetic, part="achievement")],
    )


def achievement_values(
    facts: pd.DataFrame, mapping: pd.DataFrame
) -> list[tuple[str, pd.DataFrame]]:
    """Points achieved over points available, per practice, for each domain and in total."""
    joined = facts.merge(
        mapping[["indicator_code", "domain_code"]], on="indicator_code", how="left"
    )
    joined["achieved_points"] = joined["achieved_points"].astype("Float64")
    available = mapping.groupby("domain_code")["point_value"].sum()
    practices = pd.Index(sorted(facts["practice_code"].unique()), name="practice_code")
    results = []
    for domain in [None, *sorted(available.index)]:
        if domain is not None and domain not in DOMAINS:
            continue
        rows = joined if domain is None else joined[joined["domain_code"] == domain]
        achieved = rows.groupby("practice_code")["achieved_points"].sum(min_count=1)
        points = float(available.sum() if domain is None else available[domain])
        values = pd.DataFrame(
            {"numerator": achieved.reindex(practices), "denominator": points}, index=practices
        ).reset_index()
        results.append((achievement_metric(domain), values))
    return results
