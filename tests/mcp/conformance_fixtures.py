"""Test-only fixture tools, resources and prompts the official conformance suite calls by name.

Registered in the live app's registries by the conformance test and removed afterwards; they
never exist in production. Their content is what the suite's scenario descriptions specify.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

import mcp.types as types

from portal.mcp import prompts, resources
from portal.mcp.registry import ToolSpec, registry

# A 1x1 red PNG and a tiny silent WAV, base64.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
WAV = "UklGRiQAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQAAAAA="
NO_ARGS = {"type": "object", "properties": {}}


def _result(*content, is_error: bool = False) -> types.CallToolResult:
    return types.CallToolResult(content=list(content), is_error=is_error)


def _text(text: str) -> types.TextContent:
    return types.TextContent(type="text", text=text)


def _resource(uri: str, mime: str, text: str) -> types.EmbeddedResource:
    return types.EmbeddedResource(
        type="resource", resource=types.TextResourceContents(uri=uri, mime_type=mime, text=text)
    )


def _tool(name: str, description: str, make, schema=None) -> ToolSpec:
    return ToolSpec(
        name=name,
        title=name,
        description=description,
        input_schema=schema or NO_ARGS,
        handler=lambda _ctx, _args: make(),
        raw=True,
    )


JSON_SCHEMA_2020_12 = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "$defs": {
        "address": {
            "$anchor": "addressDef",
            "type": "object",
            "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
        }
    },
    "properties": {
        "name": {"type": "string"},
        "address": {"$ref": "#/$defs/address"},
        "contactMethod": {"type": "string", "enum": ["phone", "email"]},
        "phone": {"type": "string"},
        "email": {"type": "string"},
    },
    "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
    "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
    "then": {"required": ["phone"]},
    "else": {"required": ["email"]},
    "additionalProperties": False,
}

TOOLS = [
    _tool(
        "test_simple_text",
        "Returns simple text",
        lambda: _result(_text("This is a simple text response for testing.")),
    ),
    _tool(
        "test_image_content",
        "Returns an image",
        lambda: _result(types.ImageContent(type="image", data=PNG, mime_type="image/png")),
    ),
    _tool(
        "test_audio_content",
        "Returns audio",
        lambda: _result(types.AudioContent(type="audio", data=WAV, mime_type="audio/wav")),
    ),
    _tool(
        "test_embedded_resource",
        "Returns an embedded resource",
        lambda: _result(
            _resource(
                "test://embedded-resource", "text/plain", "This is an embedded resource content."
            )
        ),
    ),
    _tool(
        "test_multiple_content_types",
        "Returns text, an image and a resource",
        lambda: _result(
            _text("Multiple content types test:"),
            types.ImageContent(type="image", data=PNG, mime_type="image/png"),
            _resource(
                "test://mixed-content-resource",
                "application/json",
                json.dumps({"test": "data", "value": 123}),
            ),
        ),
    ),
    _tool(
        "test_error_handling",
        "Always fails",
        lambda: _result(
            _text("This tool intentionally returns an error for testing"), is_error=True
        ),
    ),
    _tool(
        "test_custom_header",
        "Echoes a region mirrored into the Mcp-Param-Region header (2026-07-28 x-mcp-header)",
        lambda: _result(_text("ok")),
        {
            "type": "object",
            "properties": {"region": {"type": "string", "x-mcp-header": "Region"}},
            "required": ["region"],
        },
    ),
    _tool(
        "json_schema_2020_12_tool",
        "Tool with JSON Schema 2020-12 features",
        lambda: _result(_text("ok")),
        JSON_SCHEMA_2020_12,
    ),
]


def _static_text(_ctx, uri):
    return [
        types.TextResourceContents(
            uri=uri, mime_type="text/plain", text="This is the content of the static text resource."
        )
    ]


def _static_binary(_ctx, uri):
    return [types.BlobResourceContents(uri=uri, mime_type="image/png", blob=PNG)]


def _template(_ctx, uri, id):  # noqa: A002  (the template variable's name)
    text = json.dumps({"id": id, "templateTest": True, "data": f"Data for ID: {id}"})
    return [types.TextResourceContents(uri=uri, mime_type="application/json", text=text)]


RESOURCES = [
    resources.ResourceSpec(
        "test://static-text", "static-text", "Static text", "Fixture", "text/plain", _static_text
    ),
    resources.ResourceSpec(
        "test://static-binary",
        "static-binary",
        "Static binary",
        "Fixture",
        "image/png",
        _static_binary,
    ),
    resources.TemplateSpec(
        "test://template/{id}/data",
        "template",
        "Template",
        "Fixture",
        "application/json",
        _template,
    ),
]


def _message(content) -> types.PromptMessage:
    return types.PromptMessage(role="user", content=content)


PROMPTS = [
    prompts.PromptSpec(
        "test_simple_prompt",
        "Simple prompt",
        "Fixture",
        lambda _ctx, _a: types.GetPromptResult(
            messages=[_message(_text("This is a simple prompt for testing."))]
        ),
    ),
    prompts.PromptSpec(
        "test_prompt_with_arguments",
        "Prompt with arguments",
        "Fixture",
        lambda _ctx, a: types.GetPromptResult(
            messages=[
                _message(
                    _text(f"Prompt with arguments: arg1='{a.get('arg1')}', arg2='{a.get('arg2')}'")
                )
            ]
        ),
        arguments=[
            {"name": "arg1", "description": "First test argument", "required": True},
            {"name": "arg2", "description": "Second test argument", "required": True},
        ],
        complete=lambda name, value: [f"{value}1", f"{value}2"] if name == "arg1" else [],
    ),
    prompts.PromptSpec(
        "test_prompt_with_embedded_resource",
        "Prompt with embedded resource",
        "Fixture",
        lambda _ctx, a: types.GetPromptResult(
            messages=[
                _message(
                    _resource(
                        a["resourceUri"], "text/plain", "Embedded resource content for testing."
                    )
                ),
                _message(_text("Please process the embedded resource above.")),
            ]
        ),
        arguments=[{"name": "resourceUri", "description": "URI to embed", "required": True}],
    ),
    prompts.PromptSpec(
        "test_prompt_with_image",
        "Prompt with image",
        "Fixture",
        lambda _ctx, _a: types.GetPromptResult(
            messages=[
                _message(types.ImageContent(type="image", data=PNG, mime_type="image/png")),
                _message(_text("Please analyze the image above.")),
            ]
        ),
    ),
]


@contextmanager
def registered():
    """Add the fixtures to the (process-wide) registries for the duration of a test."""
    for tool in TOOLS:
        registry.register(tool)
    for resource in RESOURCES:
        resources.registry.register(resource)
    for prompt in PROMPTS:
        prompts.registry.register(prompt)
    try:
        yield
    finally:
        for tool in TOOLS:
            registry.unregister(tool.name)
        for resource in RESOURCES:
            resources.registry.unregister(getattr(resource, "uri", None) or resource.uri_template)
        for prompt in PROMPTS:
            prompts.registry.unregister(prompt.name)
