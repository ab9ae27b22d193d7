"""MCP prompts: a one-paragraph overview of a practice. Open for fixture prompts in tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mcp_types as types  # the wire types alone, without the SDK's client and server


@dataclass(frozen=True)
class PromptSpec:
    name: str
    title: str
    description: str
    render: Callable[[Any, dict[str, str]], types.GetPromptResult]
    arguments: list[dict[str, Any]] = field(default_factory=list)
    complete: Callable[[str, str], list[str]] | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "arguments": self.arguments,
        }


class PromptRegistry:
    def __init__(self) -> None:
        self._prompts: dict[str, PromptSpec] = {}
        self._lock = threading.Lock()

    def register(self, spec: PromptSpec) -> PromptSpec:
        with self._lock:
            self._prompts[spec.name] = spec
        return spec

    def unregister(self, name: str) -> None:
        with self._lock:
            self._prompts.pop(name, None)

    def get(self, name: str) -> PromptSpec | None:
        return self._prompts.get(name)

    def all(self) -> list[PromptSpec]:
        return list(self._prompts.values())


registry = PromptRegistry()

OVERVIEW_INSTRUCTION = (
    "Write one paragraph (about 120 words) describing GP practice {name} ({code}) for a "
    "practice manager, using only the figures below. Give the list size and its trend, "
    "appointments and DNA rate, staffing and patient experience where available, each "
    "compared with England, and name each figure's period. Say plainly if the data is "
    "synthetic. Do not add figures that are not listed.\n\n{figures}"
)


def _render_overview(ctx, arguments: dict[str, str]) -> types.GetPromptResult:
    from portal.mcp.tools.overview import build_overview

    output, details = build_overview(ctx, arguments.get("practice"))
    text = OVERVIEW_INSTRUCTION.format(name=details.name, code=details.code, figures=output.text)
    return types.GetPromptResult(
        description=f"Overview paragraph for {details.name} ({details.code})",
        messages=[
            types.PromptMessage(role="user", content=types.TextContent(type="text", text=text))
        ],
    )


def _complete_practice(argument: str, value: str) -> list[str]:
    """ODS codes for a partly typed code, name or town (from the practice search)."""
    from portal.queries.search import SearchError, search_practices

    if argument != "practice" or len(value.strip()) < 2:
        return []
    try:
        return [hit.code for hit in search_practices(value, limit=10)]
    except SearchError:
        return []


def register_defaults() -> None:
    registry.register(
        PromptSpec(
            name="practice_overview",
            title="Practice overview paragraph",
            description="A one-paragraph overview of a GP practice from its latest published "
            "figures, each compared with England and dated.",
            render=_render_overview,
            arguments=[
                {
                    "name": "practice",
                    "description": "The practice's ODS code, e.g. A81001",
                    "required": True,
                }
            ],
            complete=_complete_practice,
        )
    )
