"""MCP resources: the metric catalogue and the data sources with their latest periods.

Open like the tool registry: tests add fixture resources and templates (conformance suite).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mcp_types as types  # the wire types alone, without the SDK's client and server

Reader = Callable[..., list[Any]]  # (ctx, uri, **template variables) -> resource contents


@dataclass(frozen=True)
class ResourceSpec:
    uri: str
    name: str
    title: str
    description: str
    mime_type: str
    read: Reader
    public: bool = False  # every caller reads the same contents (2026-07-28 cacheScope public)

    def describe(self) -> dict[str, Any]:
        return {
            "uri": self.uri,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "mimeType": self.mime_type,
        }


@dataclass(frozen=True)
class TemplateSpec:
    uri_template: str
    name: str
    title: str
    description: str
    mime_type: str
    read: Reader

    def describe(self) -> dict[str, Any]:
        return {
            "uriTemplate": self.uri_template,
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "mimeType": self.mime_type,
        }

    def match(self, uri: str) -> dict[str, str] | None:
        """Simple `{name}` level-1 templates: each variable matches one path segment."""
        parts = re.split(r"\{(\w+)\}", self.uri_template)
        pattern = "".join(
            re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/?#]+)" for i, p in enumerate(parts)
        )
        found = re.fullmatch(pattern, uri)
        return found.groupdict() if found else None


class ResourceRegistry:
    def __init__(self) -> None:
        self._resources: dict[str, ResourceSpec] = {}
        self._templates: dict[str, TemplateSpec] = {}
        self._lock = threading.Lock()

    def register(self, spec: ResourceSpec | TemplateSpec):
        with self._lock:
            if isinstance(spec, TemplateSpec):
                self._templates[spec.uri_template] = spec
            else:
                self._resources[spec.uri] = spec
        return spec

    def unregister(self, key: str) -> None:
        with self._lock:
            self._resources.pop(key, None)
            self._templates.pop(key, None)

    def all(self) -> list[ResourceSpec]:
        return list(self._resources.values())

    def templates(self) -> list[TemplateSpec]:
        return list(self._templates.values())

    def resolve(self, uri: str) -> tuple[Reader, dict[str, str]] | None:
        if uri in self._resources:
            return self._resources[uri].read, {}
        for template in self._templates.values():
            variables = template.match(uri)
            if variables is not None:
                return template.read, variables
        return None


registry = ResourceRegistry()

CATALOGUE_URI = "haresign://catalogue/metrics"
SOURCES_URI = "haresign://sources"


def json_contents(uri: str, payload: Any) -> list[types.TextResourceContents]:
    return [
        types.TextResourceContents(
            uri=uri, mime_type="application/json", text=json.dumps(payload, indent=1)
        )
    ]


def _read_catalogue(_ctx, uri: str) -> list[types.TextResourceContents]:
    from portal.mcp.tools.catalogue import metric_entries

    return json_contents(uri, {"metrics": metric_entries()})


def _read_sources(_ctx, uri: str) -> list[types.TextResourceContents]:
    from portal.mcp.tools.catalogue import source_entries

    return json_contents(uri, {"sources": source_entries()})


def register_defaults() -> None:
    from portal.mcp.apps.views import register as register_views

    register_views(registry)  # the MCP Apps chart views (ui://)
    registry.register(
        ResourceSpec(
            CATALOGUE_URI,
            "metric-catalogue",
            "Metric catalogue",
            "Every metric: id, label, unit, dataset, definition, polarity (whether higher is "
            "better) and caveats. The same list as the list_metrics tool.",
            "application/json",
            _read_catalogue,
            public=True,
        )
    )
    registry.register(
        ResourceSpec(
            SOURCES_URI,
            "data-sources",
            "Data sources and latest periods",
            "Each NHS publication loaded: publisher, cadence, link, how many periods are "
            "loaded, the latest period, when it was loaded and whether it is synthetic.",
            "application/json",
            _read_sources,
            public=True,
        )
    )
