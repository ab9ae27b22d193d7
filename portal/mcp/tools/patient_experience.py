"""get_patient_experience: the GP Patient Survey (portal.queries.patient_experience)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolOutput, ToolSpec
from portal.mcp.tools import areas, common
from portal.queries.patient_experience import PatientExperience, patient_experience


@dataclass(frozen=True)
class PatientExperienceResult:
    practice: common.PracticeRef
    survey: PatientExperience | None  # %, with 95% confidence intervals
    note: str | None = None


SHAPE = common.Shape(PatientExperienceResult)


def get_patient_experience(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    practice = common.public_practice(ctx, arguments["practice"])
    ref = common.practice_ref(practice)
    data = patient_experience(practice)
    if data is None:
        note = common.missing_text(ref, "GP Patient Survey")
        return ToolOutput(SHAPE.dump(PatientExperienceResult(ref, None, note)), note)
    questions = text.table(
        ["Question (positive answers)", "Practice", "95% interval", "Respondents"],
        ([q.label, _percent(q.value), _interval(q.lower, q.upper), _count(q.respondents)]
         for q in data.questions),
    )  # fmt: skip
    returns = (
        f"Surveys sent {_count(data.surveys_sent)}, returned {_count(data.surveys_returned)}; "
        f"response rate {_percent(data.response_rate)}."
    )
    rendered = text.figures_answer(
        f"{ref.name} ({ref.code}): GP Patient Survey {data.period}",
        [("Overall experience good", data.overall,
          _interval(data.overall_lower, data.overall_upper))],
        "Every question (weighted; the survey is a sample, so mind the interval):\n" + questions,
        returns,
        sources=[data.source],
        synthetic=data.synthetic,
        extra=("95% interval",),
    )  # fmt: skip
    return ToolOutput(SHAPE.dump(PatientExperienceResult(ref, data)), rendered)


def _percent(value: float | None) -> str:
    return f"{value:.1f}%" if value is not None else "not published"


def _interval(lower: float | None, upper: float | None) -> str | None:
    return f"{lower:.1f}% to {upper:.1f}%" if lower is not None and upper is not None else None


def _count(value: float | None) -> str:
    return f"{value:,.0f}" if value is not None else "not published"


TOOLS = [
    ToolSpec(
        name="get_patient_experience",
        title="Patient experience",
        description=areas.describe(
            "patient-experience",
            "A practice's latest GP Patient Survey results (annual, weighted): the share of "
            "patients rating their overall experience good, with its 95% confidence interval, "
            "benchmarks, response rate and the other questions' positive shares (%).",
            "Use this for patient satisfaction; the survey is a sample, so mind the interval.",
            series=False,
        ),
        input_schema=common.object_schema({"practice": common.PRACTICE}, ("practice",)),
        output_schema=SHAPE.schema,
        handler=get_patient_experience,
    )
]
