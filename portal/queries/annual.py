"""What the annual and snapshot query modules share: reading the period a caller asks for
('2020-21', '2020/21', '2021', 'latest') and finding the practice's latest one."""

from __future__ import annotations

import re

from portal.queries.benchmarks import latest_period
from portal.queries.datasets import provenance
from portal.queries.types import Provenance


def financial_year(text: str | None) -> str | None:
    """'2020-21', '2020/21', '2020-2021' or '2020' (the year it starts) -> '2020-21'; else None."""
    text = (text or "").strip()
    match = re.fullmatch(r"(20\d{2})(?:\s*[-/]\s*(?:20)?(\d{2}))?", text)
    if not match:
        return None
    start = int(match.group(1))
    end = match.group(2)
    if end is not None and int(end) != (start + 1) % 100:
        return None
    return f"{start}-{(start + 1) % 100:02d}"


def survey_year(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if re.fullmatch(r"20\d{2}", text) else None


def month(text: str | None) -> str | None:
    text = (text or "").strip()
    return text if re.fullmatch(r"20\d{2}-(0[1-9]|1[0-2])", text) else None


def period_for(metric_id: str, practice_code: str, period: str | None) -> str | None:
    """The period asked for, or the practice's latest one with a value of `metric_id`."""
    return period or latest_period(metric_id, practice_code)


def origin(dataset: str, period: str) -> Provenance:
    return provenance(dataset, period)
