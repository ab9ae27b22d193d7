"""Patients Registered at a GP Practice: the all, map and quin-age files, CCG- and sub-ICB-era layouts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from portal.ingest import benchmarks, gpad
from portal.ingest.base import (
    IngestError,
    Progress,
    check_unique,
    parse_numbers,
    read_csv,
    require_columns,
    require_values,
    upsert,
)
from portal.ingest.measures import metric_values
from portal.ingest.periods import one_period
from portal.ingest.store import Facts, Load, store_period
from portal.models import (
    Icb,
    Pcn,
    Practice,
    Region,
    RegisteredPatients,
    RegisteredPatientsByAge,
    SubIcb,
)

DATASET = "patients-registered"
ALL_COLUMNS = ["EXTRACT_DATE", "CODE", "SEX", "AGE", "NUMBER_OF_PATIENTS"]
QUIN_COLUMNS = ["EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "SEX", "AGE_GROUP_5", "NUMBER_OF_PATIENTS"]
MAP_COLUMNS = [
    "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PCN_CODE", "PCN_NAME",
    "SUB_ICB_LOCATION_CODE", "SUB_ICB_LOCATION_NAME", "ICB_CODE", "ICB_NAME",
    "COMM_REGION_CODE", "COMM_REGION_NAME",
]  # fmt: skip


def load(path: str | Path, *, synthetic: bool = False, progress: Progress | None = None):
    """Load one file, recognised by its columns as the all, map or quin-age layout."""
    path = Path(path)
    frame = read_csv(path, [], dataset=DATASET)
    columns = set(frame.columns)
    if {"ORG_TYPE", "AGE_GROUP_5"} <= columns:
        return _load_quin_age(frame, path, synthetic, progress)
    if {"PRACTICE_CODE", "PCN_CODE"} <= columns:
        return _load_map(frame, path, synthetic, progress)
    if {"CODE", "AGE"} <= columns:
        return _load_all(frame, path, synthetic, progress)
    raise IngestError(
        path,
        "not a Patients Registered file: expected the columns of the all, map or quin-age layout "
        f"(e.g. {', '.join(ALL_COLUMNS)})",
        line=1,
    )


def _load_all(frame: pd.DataFrame, path: Path, synthetic: bool, progress: Progress | None):
    require_columns(frame, ALL_COLUMNS, path)
    require_values(frame, ["EXTRACT_DATE", "CODE", "SEX", "AGE"], path)
    period = one_period(frame["EXTRACT_DATE"], path, "EXTRACT_DATE", named=False)
    patients = parse_numbers(frame, "NUMBER_OF_PATIENTS", path)
    keep = frame["SEX"].str.strip().eq("ALL") & frame["AGE"].str.strip().eq("ALL")
    if "TYPE" in frame.columns:
        keep &= frame["TYPE"].str.strip().eq("GP")
    facts = pd.DataFrame(
        {"practice_code": frame["CODE"].str.strip(), "period": period, "patients": patients}
    )[keep]
    check_unique(facts, ["practice_code"], path)
    facts = facts[facts["patients"].notna()]
    if progress:
        progress(f"{len(facts):,} practice list sizes for {period}")
    return store_period(
        period,
        [Facts(RegisteredPatients.__table__, facts)],
        metrics=[("list_size", metric_values("list_size", facts))],
        # appointments per 1,000 use this month's lists
        recompute=lambda conn: gpad.after_list_sizes(conn, period),
        loads=[Load(DATASET, path, len(frame), len(facts), synthetic, part="all")],
    )


def _load_quin_age(frame: pd.DataFrame, path: Path, synthetic: bool, progress: Progress | None):
    require_columns(frame, QUIN_COLUMNS, path)
    require_values(frame, ["EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "SEX", "AGE_GROUP_5"], path)
    period = one_period(frame["EXTRACT_DATE"], path, "EXTRACT_DATE", named=False)
    sex = frame["SEX"].str.strip().str.lower()
    band = frame["AGE_GROUP_5"].str.strip()
    keep = frame["ORG_TYPE"].str.strip().eq("GP") & sex.isin(["male", "female"]) & band.ne("ALL")
    # the range of the practice rows stored (region and ICB totals run to millions)
    patients = parse_numbers(frame, "NUMBER_OF_PATIENTS", path, checked=keep)
    facts = pd.DataFrame(
        {
            "practice_code": frame["ORG_CODE"].str.strip(),
            "period": period,
            "sex": sex,
            "age_band": band,
            "patients": patients,
        }
    )[keep]
    check_unique(facts, ["practice_code", "sex", "age_band"], path)
    facts = facts[facts["patients"].notna()]
    if progress:
        progress(f"{len(facts):,} age-sex counts for {period}")
    return store_period(
        period,
        [Facts(RegisteredPatientsByAge.__table__, facts)],
        loads=[Load(DATASET, path, len(frame), len(facts), synthetic, part="quin-age")],
    )


def _load_map(frame: pd.DataFrame, path: Path, synthetic: bool, progress: Progress | None):
    """The practice -> PCN -> sub-ICB -> ICB -> region chain for the month."""
    require_columns(frame, MAP_COLUMNS, path)
    require_values(frame, ["EXTRACT_DATE", "PRACTICE_CODE", "SUB_ICB_LOCATION_CODE"], path)
    period = one_period(frame["EXTRACT_DATE"], path, "EXTRACT_DATE", named=False)
    frame = frame.apply(lambda column: column.str.strip())
    check_unique(frame, ["PRACTICE_CODE"], path)

    def ons(column: str) -> pd.Series:
        return frame[column] if column in frame.columns else pd.Series(None, index=frame.index)

    regions = pd.DataFrame(
        {"code": frame["COMM_REGION_CODE"], "name": frame["COMM_REGION_NAME"],
         "ons_code": ons("ONS_COMM_REGION_CODE")}
    )  # fmt: skip
    icbs = pd.DataFrame(
        {"code": frame["ICB_CODE"], "name": frame["ICB_NAME"], "ons_code": ons("ONS_ICB_CODE"),
         "region_code": frame["COMM_REGION_CODE"]}
    )  # fmt: skip
    sub_icbs = pd.DataFrame(
        {"code": frame["SUB_ICB_LOCATION_CODE"], "name": frame["SUB_ICB_LOCATION_NAME"],
         "ons_code": ons("ONS_SUB_ICB_LOCATION_CODE"), "icb_code": frame["ICB_CODE"]}
    )  # fmt: skip
    pcns = pd.DataFrame(
        {"code": frame["PCN_CODE"], "name": frame["PCN_NAME"],
         "sub_icb_code": frame["SUB_ICB_LOCATION_CODE"]}
    )  # fmt: skip
    pcns = pcns[pcns["code"].ne("") & pcns["code"].ne("U")]
    links = pd.DataFrame(
        {
            "code": frame["PRACTICE_CODE"],
            "name": frame["PRACTICE_NAME"],
            "postcode": ons("PRACTICE_POSTCODE"),
            "pcn_code": frame["PCN_CODE"].where(frame["PCN_CODE"].isin(pcns["code"])),
            "sub_icb_code": frame["SUB_ICB_LOCATION_CODE"],
        }
    )
    if progress:
        progress(f"{len(links):,} practices mapped to {pcns['code'].nunique():,} PCNs for {period}")

    def relink(conn) -> None:
        """The hierarchy is not per period: upserted, then every stored metric regrouped."""
        upsert(conn, Region.__table__, regions.drop_duplicates("code"))
        upsert(conn, Icb.__table__, icbs.drop_duplicates("code"))
        upsert(conn, SubIcb.__table__, sub_icbs.drop_duplicates("code"))
        upsert(conn, Pcn.__table__, pcns.drop_duplicates("code"))
        _link_practices(conn, links)
        benchmarks.refresh_all(conn)

    return store_period(
        period,
        recompute=relink,
        loads=[Load(DATASET, path, len(frame), len(links), synthetic, part="map")],
    )


def _link_practices(conn, links: pd.DataFrame) -> None:
    """Point known practices at their PCN and sub-ICB; add practices epraccur has not named."""
    table = Practice.__table__
    upsert(
        conn,
        table,
        links.assign(status="active", is_england=True, is_gp_practice=False),
        fields=["pcn_code", "sub_icb_code"],
    )
