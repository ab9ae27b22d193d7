"""A practice's GP Patient Survey results: the headline overall experience (with its 95%
confidence interval and comparators) and every other question the loaded file carried."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from portal.extensions import db
from portal.models import GppsPractice, GppsQuestion
from portal.queries.annual import origin, period_for
from portal.queries.benchmarks import practice_benchmark
from portal.queries.practices import PracticeDetails
from portal.queries.types import Benchmark

DATASET = "gpps"
HEADLINE = "overallexp"
# Question codes of the practice file -> what their evaluative share (pcteval) measures.
QUESTIONS = {
    "overallexp": "Overall experience of the GP practice good",
    "gpcontactoverall": "Overall experience of contacting the practice good",
    "lastgpapptneeds": "Needs met at the last appointment",
    "lastgpapptwait": "Waiting time for the last appointment about right",
    "lastgpapptlisten": "Healthcare professional good at listening",
    "lastgpapptdecision": "Involved in decisions about care and treatment",
    "healthconfidence": "Confident in managing own health",
    "pharmacyoverall": "Overall experience of the local pharmacy good",
}


@dataclass(frozen=True)
class SurveyQuestion:
    """One question's positive share, % (published as a 0-1 fraction), and its 95% interval."""

    question: str
    label: str
    value: float | None
    lower: float | None
    upper: float | None
    respondents: float | None  # unweighted evaluative base


@dataclass(frozen=True)
class PatientExperience:
    practice_code: str
    period: str  # survey year
    source: str
    synthetic: bool
    overall: Benchmark | None  # gpps_overall_good with comparators and percentile
    overall_lower: float | None  # 95% confidence interval, %
    overall_upper: float | None
    surveys_sent: float | None
    surveys_returned: float | None
    response_rate: float | None  # %
    questions: list[SurveyQuestion] = field(default_factory=list)


def _percent(value: float | None) -> float | None:
    return None if value is None else value * 100


def patient_experience(
    practice: PracticeDetails, period: str | None = None
) -> PatientExperience | None:
    """The practice's survey results for a year (default: its latest); None when none loaded."""
    period = period_for("gpps_overall_good", practice.code, period)
    if period is None:
        return None
    p, q = GppsPractice.__table__, GppsQuestion.__table__
    where = (p.c.practice_code == practice.code, p.c.period == period)
    survey = db.session.execute(sa.select(p).where(*where)).first()
    if survey is None:
        return None
    rows = db.session.execute(
        sa.select(q).where(q.c.practice_code == practice.code, q.c.period == period)
    ).all()
    questions = [
        SurveyQuestion(
            question=r.question,
            label=QUESTIONS.get(r.question, r.question),
            value=_percent(r.pct_eval),
            lower=_percent(r.low_ci),
            upper=_percent(r.high_ci),
            respondents=r.base_unweighted,
        )
        for r in rows
    ]
    order = list(QUESTIONS)
    questions.sort(
        key=lambda s: (order.index(s.question) if s.question in order else 99, s.question)
    )
    headline = next((s for s in questions if s.question == HEADLINE), None)
    source = origin(DATASET, period)
    s = survey._mapping
    return PatientExperience(
        practice_code=practice.code,
        period=period,
        source=source.source,
        synthetic=source.synthetic,
        overall=practice_benchmark(practice, "gpps_overall_good", period),
        overall_lower=headline.lower if headline else None,
        overall_upper=headline.upper if headline else None,
        surveys_sent=s["distributed"],
        surveys_returned=s["received"],
        response_rate=_percent(s["response_rate"]),
        questions=questions,
    )
