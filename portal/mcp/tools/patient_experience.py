"""get_patient_experience: the GP Patient Survey (portal.queries.patient_experience)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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
    lines = [f"{ref.name} ({ref.code}): GP Patient Survey {data.period}"]
    interval = (
        f"95% CI {data.overall_lower:.1f}% to {data.overall_upper:.1f}%"
        if data.overall_lower is not None and data.overall_upper is not None
        else ""
    )
    lines.append(common.benchmark_line("Overall experience good", data.overall, interval))
    for q in data.questions:
        if q.question != "overallexp" and q.value is not None:
            lines.append(f"- {q.label}: {q.value:.1f}%")
    if data.response_rate is not None:
        lines.append(f"Response rate {data.response_rate:.1f}%.")
    lines.append(common.sources_footer([data.source], data.synthetic))
    return ToolOutput(SHAPE.dump(PatientExperienceResult(ref, data)), "\n".join(lines))


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
