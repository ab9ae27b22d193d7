"""The tools of DESIGN.md §8, one module per area, registered once per process.

An area tool is registered only when its dataset's query module exists (portal/queries/<name>.py);
until then it is left out rather than answering as if it worked.
"""

from __future__ import annotations

import importlib
import importlib.util

from portal.mcp.registry import ToolRegistry

# tool module -> the query module it needs (None: always available)
MODULES: dict[str, str | None] = {
    "search": None,
    "overview": None,
    "patients": None,
    "appointments": "portal.queries.appointments",
    "online_consultations": "portal.queries.online_consultations",
    "telephony": "portal.queries.telephony",
    "workforce": "portal.queries.workforce",
    "patient_experience": "portal.queries.patient_experience",
    "prevalence": "portal.queries.prevalence",
    "qof": "portal.queries.qof",
    "funding": "portal.queries.funding",
    "compare": None,
    "benchmark": None,
    "trend": None,
    "groups": None,
    "catalogue": None,
    "private": None,
    "my_groups": None,
    "openai_connector": None,
}


def available_modules() -> list[str]:
    return [
        name
        for name, needs in MODULES.items()
        if needs is None or importlib.util.find_spec(needs) is not None
    ]


def register_all(registry: ToolRegistry) -> None:
    for name in available_modules():
        module = importlib.import_module(f"portal.mcp.tools.{name}")
        for spec in module.TOOLS:
            if registry.get(spec.name) is None:
                registry.register(spec)
