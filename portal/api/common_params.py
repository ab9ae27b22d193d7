"""The parameters several API resources share (practice, organisation, period, metric and
dataset), each with the parser that checks it: a ValueError's message names what is wrong."""

from __future__ import annotations

import re

from portal.api.params import Param, parse_choice
from portal.catalogue import METRICS
from portal.queries.organisations import LEVEL_NAMES, LEVELS, organisation_exists
from portal.queries.practices import ODS_PRACTICE_CODE

PERIOD_PATTERN = r"^[0-9]{4}-[0-9]{2}$"
ORG_CODE_PATTERN = r"^[A-Za-z0-9]{2,10}$"
PRACTICE_PATTERN = r"^[A-Za-z][0-9A-Za-z]{5}$"


def _datasets() -> list[str]:
    return sorted({m.dataset for m in METRICS.values()})


def parse_practice_code(text: str) -> str:
    code = text.strip().upper()
    if not ODS_PRACTICE_CODE.fullmatch(code):
        raise ValueError("must be an ODS practice code such as A81001")
    return code


def parse_period(text: str) -> str:
    if not re.fullmatch(PERIOD_PATTERN, text.strip()):
        raise ValueError("must be a period such as 2025-12 (a month) or 2021-22 (a year)")
    return text.strip()


def parse_org_code(text: str) -> str:
    code = text.strip().upper()
    if not re.fullmatch(ORG_CODE_PATTERN, code):
        raise ValueError("must be an ODS code of 2 to 10 letters and digits")
    return code


def organisation_parser(level: str):
    def parse(text: str) -> str:
        code = parse_org_code(text)
        if not organisation_exists(level, code):
            raise ValueError(f"no {LEVEL_NAMES[level].lower()} with the code {code}")
        return code

    return parse


PRACTICE_PATH = Param(
    "code",
    "The practice's ODS code, e.g. A81001.",
    {"type": "string", "pattern": PRACTICE_PATTERN},
    parse_practice_code,
    location="path",
    ods=True,
)
PRACTICE_FILTER = Param(
    "practice",
    "Only this practice (ODS code).",
    {"type": "string", "pattern": PRACTICE_PATTERN},
    parse_practice_code,
    ods=True,
)
ORGANISATION_FILTERS = tuple(
    Param(
        level,
        f"Only practices in this {LEVEL_NAMES[level].lower()} (ODS code).",
        {"type": "string", "pattern": ORG_CODE_PATTERN},
        organisation_parser(level),
        ods=True,
    )
    for level in LEVELS
)
PERIOD = Param(
    "period",
    "Only this period: a month `YYYY-MM` for monthly publications, `YYYY-YY` for annual ones.",
    {"type": "string", "pattern": PERIOD_PATTERN},
    parse_period,
)
METRIC_FILTER = Param(
    "metric",
    "Only this metric (an id from /metrics).",
    lambda: {"type": "string", "enum": sorted(METRICS)},
    parse_choice(lambda: sorted(METRICS)),
)
METRIC_PATH = Param(
    "metric",
    "A metric id from /metrics.",
    lambda: {"type": "string", "enum": sorted(METRICS)},
    parse_choice(lambda: sorted(METRICS)),
    location="path",
)
LEVEL_PATH = Param(
    "level",
    "pcn, sub_icb, icb or region.",
    {"type": "string", "enum": list(LEVELS)},
    parse_choice(list(LEVELS)),
    location="path",
)
ORG_PATH = Param(
    "code",
    "The organisation's ODS code.",
    {"type": "string", "pattern": ORG_CODE_PATTERN},
    parse_org_code,
    location="path",
    ods=True,
)
DATASET_PATH = Param(
    "dataset",
    "A dataset with metrics in the catalogue.",
    lambda: {"type": "string", "enum": _datasets()},
    parse_choice(_datasets),
    location="path",
)
