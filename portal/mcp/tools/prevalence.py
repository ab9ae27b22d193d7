"""get_disease_prevalence: QOF registers as a share of the list (portal.queries.prevalence)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.mcp import text
from portal.mcp.registry import ToolContext, ToolError, ToolOutput, ToolSpec
from portal.mcp.tools import areas, common
from portal.queries.prevalence import ALIASES, REGISTERS, DiseasePrevalence, disease_prevalence


@dataclass(frozen=True)
class PrevalenceResult:
    practice: common.PracticeRef
    prevalence: DiseasePrevalence | None  # registers, list sizes and prevalence %
    note: str | None = None


SHAPE = common.Shape(PrevalenceResult)


def get_disease_prevalence(ctx: ToolContext, arguments: dict[str, Any]) -> ToolOutput:
    conditions = arguments.get("conditions") or None
    practice = common.public_practice(ctx, arguments["practice"])
    ref = common.practice_ref(practice)
    data = disease_prevalence(practice, conditions)
    if data is None:
        note = common.missing_text(ref, "QOF prevalence")
        return ToolOutput(SHAPE.dump(PrevalenceResult(ref, None, note)), note)
    if data.unmatched:
        known = ", ".join(f"{code} ({name})" for code, name in REGISTERS.items())
        raise ToolError(f"Unknown condition '{data.unmatched[0][:40]}'. Registers: {known}.")
    rows = [
        (f"{r.name} ({r.code})", r.prevalence, _count(r.register), _count(r.list_size), r.list_type)
        for r in data.registers
    ]
    rendered = text.figures_answer(
        f"{ref.name} ({ref.code}): disease prevalence {data.period}",
        rows,
        sources=[data.source],
        synthetic=data.synthetic,
        extra=("On register", "List", "List type"),
    )
    return ToolOutput(SHAPE.dump(PrevalenceResult(ref, data)), rendered)


def _count(value: int | None) -> str | None:
    return f"{value:,}" if value is not None else None


def _description() -> str:
    names = ", ".join(f"{code} ({name})" for code, name in REGISTERS.items())
    return (
        areas.describe(
            "prevalence",
            "Recorded disease prevalence at a practice from the QOF registers for its latest "
            "year: patients on each register as a % of the register's list (all ages or the "
            "age band the register uses), with England, groups and the national percentile.",
            "Use this for 'how common is diabetes on this list'; get_qof_achievement covers "
            "QOF points.",
            series=False,
        )()
        + f"\n\nconditions: register codes or names, e.g. {names}; everyday words such as "
        + ", ".join(sorted({a for v in ALIASES.values() for a in v})[:8])
        + " also work."
    )


TOOLS = [
    ToolSpec(
        name="get_disease_prevalence",
        title="Disease prevalence",
        description=_description,
        input_schema=common.object_schema(
            {
                "practice": common.PRACTICE,
                "conditions": {
                    "type": "array",
                    "items": {"type": "string", "maxLength": 60},
                    "maxItems": 30,
                    "description": "Conditions by register code (DM, HYP, AST...) or name "
                    "(diabetes, hypertension); default every register.",
                },
            },
            ("practice",),
        ),
        output_schema=SHAPE.schema,
        handler=get_disease_prevalence,
    )
]
