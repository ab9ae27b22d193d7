"""A practice's recorded disease prevalence from the QOF registers, each register beside its
PCN, sub-ICB, ICB, region and England, with the practice's national percentile rank."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.extensions import db
from portal.models import QofIndicator, QofPrevalence
from portal.qof_registers import REGISTERS, prevalence_metric
from portal.queries.annual import origin
from portal.queries.benchmarks import practice_benchmark
from portal.queries.practices import PracticeDetails
from portal.queries.types import Benchmark

DATASET = "qof-prevalence"
# Everyday words callers use for a register (matched as well as the code and the QOF name).
ALIASES = {
    "DM": ("diabetes",),
    "HYP": ("high blood pressure", "blood pressure"),
    "AST": ("asthma",),
    "COPD": ("copd", "emphysema", "bronchitis"),
    "CHD": ("heart disease", "angina"),
    "STIA": ("stroke", "tia"),
    "CKD": ("kidney",),
    "MH": ("serious mental illness", "psychosis", "schizophrenia", "bipolar"),
    "DEP": ("depression",),
    "DEM": ("dementia",),
    "LD": ("learning disabilit",),
    "AF": ("atrial fibrillation",),
    "HF": ("heart failure",),
}


@dataclass(frozen=True)
class Register:
    code: str  # QOF GROUP_CODE, e.g. DM
    name: str
    list_type: str  # PATIENT_LIST_TYPE of the denominator: TOTAL, 17OV, ...
    register: int | None
    list_size: int | None
    prevalence: Benchmark | None  # prevalence_<code>, %, with comparators and percentile


@dataclass(frozen=True)
class DiseasePrevalence:
    practice_code: str
    period: str  # financial year, e.g. 2020-21
    source: str
    synthetic: bool
    registers: list[Register] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # requested conditions with no register


def match_conditions(
    conditions: list[str] | None, available: list[str]
) -> tuple[list[str], list[str]]:
    """Register codes for the requested conditions (codes, QOF names or everyday words)."""
    if not conditions:
        return available, []
    chosen, unmatched = [], []
    for condition in conditions:
        text = condition.strip().lower()
        hits = [
            code
            for code in available
            if text == code.lower()
            or (len(text) >= 3 and text in REGISTERS.get(code, "").lower())
            or any(
                alias in text or text in alias for alias in ALIASES.get(code, ()) if len(text) >= 3
            )
        ]
        if hits:
            chosen.extend(h for h in hits if h not in chosen)
        else:
            unmatched.append(condition)
    return chosen, unmatched


def latest_year(practice_code: str) -> str | None:
    """The practice's own latest QOF year of registers (the one rule: portal/queries/latest.py)."""
    t = QofPrevalence.__table__
    return db.session.execute(
        sa.select(sa.func.max(t.c.period)).where(t.c.practice_code == practice_code)
    ).scalar()


def disease_prevalence(
    practice: PracticeDetails, conditions: list[str] | None = None, period: str | None = None
) -> DiseasePrevalence | None:
    """Registers for the practice in a QOF year (default: its latest), all or those asked for."""
    period = period or latest_year(practice.code)
    if period is None:
        return None
    t, i = QofPrevalence.__table__, QofIndicator.__table__
    rows = db.session.execute(
        sa.select(t)
        .where(t.c.practice_code == practice.code, t.c.period == period)
        .order_by(t.c.group_code)
    ).all()
    if not rows:
        return None
    names = dict(
        db.session.execute(
            sa.select(i.c.group_code, sa.func.max(i.c.group_description))
            .where(i.c.period == period)
            .group_by(i.c.group_code)
        ).all()
    )
    by_code = {r.group_code: r for r in rows}
    chosen, unmatched = match_conditions(conditions, list(by_code))
    source = origin(DATASET, period)
    registers = []
    for code in chosen:
        r = by_code[code]
        metric = prevalence_metric(code)
        registers.append(
            Register(
                code=code,
                name=REGISTERS.get(code) or names.get(code) or code,
                list_type=r.patient_list_type,
                register=r.register,
                list_size=r.list_size,
                prevalence=practice_benchmark(practice, metric, period)
                if code in REGISTERS
                else None,
            )
        )
    return DiseasePrevalence(
        practice_code=practice.code,
        period=period,
        source=source.source,
        synthetic=source.synthetic,
        registers=registers,
        unmatched=unmatched,
    )
