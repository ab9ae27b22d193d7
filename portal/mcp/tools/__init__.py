"""The tools of DESIGN.md §8, one module per area, registered once per process in this order
(the order tools/list shows them in)."""

from __future__ import annotations

from portal.mcp.registry import ToolRegistry
from portal.mcp.tools import (
    appointments,
    benchmark,
    catalogue,
    compare,
    funding,
    groups,
    my_groups,
    online_consultations,
    openai_connector,
    overview,
    patient_experience,
    patients,
    prevalence,
    private,
    qof,
    search,
    telephony,
    trend,
    workforce,
)

MODULES = (
    search, overview, patients, appointments, online_consultations, telephony, workforce,
    patient_experience, prevalence, qof, funding, compare, benchmark, trend, groups, catalogue,
    private, my_groups, openai_connector,
)  # fmt: skip


def register_all(registry: ToolRegistry) -> None:
    for module in MODULES:
        for spec in module.TOOLS:
            if registry.get(spec.name) is None:
                registry.register(spec)
