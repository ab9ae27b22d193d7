"""JSON-RPC methods of the MCP endpoint: lifecycle, tools, resources, prompts, completion.

Each handler takes a `Call` (the typed request from `mcp.types`, the caller's token, the
negotiated protocol version and the audit record) and returns an `mcp.types` result, or raises
`RpcError` for a protocol error. Errors inside a tool are tool results with isError.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mcp_types as types  # the wire types alone, without the SDK's client and server
from pydantic import ValidationError

from portal.access import NOT_FOUND_OR_DENIED, NotFoundOrDenied
from portal.control_characters import find_in_json
from portal.extensions import db
from portal.mcp import audit, prompts, resources
from portal.mcp.auth import TokenInfo
from portal.mcp.registry import ToolContext, ToolError, ToolOutput, registry
from portal.mcp.validation import check_arguments
from portal.mcp.versions import LATEST_VERSION, SUPPORTED_VERSIONS

log = logging.getLogger(__name__)

SERVER_NAME = "haresign"
SERVER_TITLE = "Haresign GP practice figures"
SERVER_VERSION = "0.1.0"
INSTRUCTIONS = (
    "Haresign answers questions about GP practices in England from published NHS statistics "
    "(registered patients, appointments, online consultations, telephony, workforce, the GP "
    "Patient Survey, QOF prevalence and achievement, payments). Every tool is read-only and "
    "every figure names its period and source publication, and says when it is synthetic "
    "demo data. Identify practices by ODS code (e.g. A81001); use search_practices to find "
    "one by name, town or postcode. When the user says 'my practice' or 'our practice', call "
    "list_my_practices to learn which practice that is (get_practice_overview without a practice "
    "answers for it when there is exactly one). list_metrics describes every metric. Private "
    "practice data needs an active role at that practice (list_my_practices)."
)


class RpcError(Exception):
    def __init__(self, code: int, message: str, data: Any = None, outcome: str = "invalid"):
        super().__init__(message)
        self.code, self.message, self.data, self.outcome = code, message, data, outcome


@dataclass
class Call:
    token: TokenInfo
    request: Any
    version: str | None
    record: audit.Record

    def context(self) -> ToolContext:
        return ToolContext(
            user_id=self.token.user_id,
            connection_id=self.token.connection_id,
            client_id=self.token.client_id,
            scopes=self.token.scopes,
            owner=self.token.user,
        )


def initialize(call: Call) -> types.InitializeResult:

    asked = call.request.params.protocol_version
    version = asked if asked in SUPPORTED_VERSIONS else LATEST_VERSION
    return types.InitializeResult(
        protocol_version=version,
        capabilities=types.ServerCapabilities(
            tools=types.ToolsCapability(list_changed=False),
            resources=types.ResourcesCapability(subscribe=False, list_changed=False),
            prompts=types.PromptsCapability(list_changed=False),
            completions=types.CompletionsCapability(),
        ),
        server_info=types.Implementation(
            name=SERVER_NAME, title=SERVER_TITLE, version=SERVER_VERSION
        ),
        instructions=INSTRUCTIONS,
    )


def ping(_call: Call) -> types.EmptyResult:
    return types.EmptyResult()


def tools_list(_call: Call) -> types.ListToolsResult:
    return types.ListToolsResult(
        tools=[types.Tool.model_validate(spec.describe()) for spec in registry.all()]
    )


def tools_call(call: Call) -> types.CallToolResult:
    params = call.request.params
    spec = registry.get(params.name)
    if spec is None:
        call.record.tool = audit.UNKNOWN_TOOL
        raise RpcError(types.INVALID_PARAMS, f"Unknown tool: {params.name[:80]}")
    call.record.tool = spec.name
    ctx = call.context()
    arguments = params.arguments or {}
    try:
        if not spec.raw:
            check_arguments(spec.resolved_input_schema(), arguments)
        output = spec.handler(ctx, arguments)
    except NotFoundOrDenied:
        call.record.outcome = "not_found"
        return _tool_error(NOT_FOUND_OR_DENIED)
    except ToolError as error:
        call.record.outcome = "tool_error"
        return _tool_error(str(error))
    except Exception:  # a bug of ours: still a tool result, never a stack trace
        db.session.rollback()
        log.exception("tool %s failed", spec.name)
        call.record.outcome = "error"
        return _tool_error("Something went wrong on our side. Try again later.")
    finally:
        call.record.ods_codes = ctx.ods_codes
        call.record.query_length = ctx.query_length
    if isinstance(output, types.CallToolResult):
        return output
    assert isinstance(output, ToolOutput)
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=output.text)],
        structured_content=output.structured,
        is_error=False,
    )


def _tool_error(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=message)], is_error=True
    )


def resources_list(_call: Call) -> types.ListResourcesResult:
    return types.ListResourcesResult(
        resources=[types.Resource.model_validate(r.describe()) for r in resources.registry.all()]
    )


def resource_templates_list(_call: Call) -> types.ListResourceTemplatesResult:
    return types.ListResourceTemplatesResult(
        resource_templates=[
            types.ResourceTemplate.model_validate(t.describe())
            for t in resources.registry.templates()
        ]
    )


def resources_read(call: Call) -> types.ReadResourceResult:
    uri = str(call.request.params.uri)
    call.record.tool = _resource_name(uri)
    ctx = call.context()
    found = resources.registry.resolve(uri)
    if found is None:  # 2026-07-28 made this -32602; earlier revisions used -32002
        code = types.INVALID_PARAMS if call.version == "2026-07-28" else -32002
        raise RpcError(code, "Resource not found", {"uri": uri[:300]})
    reader, variables = found
    contents = reader(ctx, uri, **variables)
    call.record.ods_codes = ctx.ods_codes
    return types.ReadResourceResult(contents=contents)


def _resource_name(uri: str) -> str:
    """What the audit keeps: the resource's URI or its template, never the URI as sent."""
    if any(r.uri == uri for r in resources.registry.all()):
        return uri
    template = next((t for t in resources.registry.templates() if t.match(uri) is not None), None)
    return template.uri_template if template else audit.UNKNOWN_RESOURCE


def prompts_list(_call: Call) -> types.ListPromptsResult:
    return types.ListPromptsResult(
        prompts=[types.Prompt.model_validate(p.describe()) for p in prompts.registry.all()]
    )


def prompts_get(call: Call) -> types.GetPromptResult:
    params = call.request.params
    spec = prompts.registry.get(params.name)
    call.record.tool = spec.name if spec else audit.UNKNOWN_PROMPT
    if spec is None:
        raise RpcError(types.INVALID_PARAMS, f"Unknown prompt: {params.name[:80]}")
    arguments = params.arguments or {}
    missing = [
        a["name"] for a in spec.arguments if a.get("required") and not arguments.get(a["name"])
    ]
    if missing:
        raise RpcError(types.INVALID_PARAMS, f"Missing prompt argument: {', '.join(missing)}")
    ctx = call.context()
    try:
        return spec.render(ctx, arguments)
    except NotFoundOrDenied as error:
        call.record.outcome = "not_found"
        raise RpcError(types.INVALID_PARAMS, NOT_FOUND_OR_DENIED, outcome="not_found") from error
    except ToolError as error:
        raise RpcError(types.INVALID_PARAMS, str(error), outcome="tool_error") from error
    finally:
        call.record.ods_codes = ctx.ods_codes


def complete(call: Call) -> types.CompleteResult:
    params = call.request.params
    ref, argument = params.ref, params.argument
    values: list[str] = []
    if isinstance(ref, types.PromptReference):
        spec = prompts.registry.get(ref.name)
        if spec is None:
            raise RpcError(types.INVALID_PARAMS, f"Unknown prompt: {ref.name[:80]}")
        if spec.complete is not None:
            values = spec.complete(argument.name, argument.value)
    values = values[:100]
    return types.CompleteResult(
        completion=types.Completion(values=values, total=len(values), has_more=False)
    )


HANDLERS: dict[str, Callable[[Call], Any]] = {
    "initialize": initialize,
    "ping": ping,
    "tools/list": tools_list,
    "tools/call": tools_call,
    "resources/list": resources_list,
    "resources/templates/list": resource_templates_list,
    "resources/read": resources_read,
    "prompts/list": prompts_list,
    "prompts/get": prompts_get,
    "completion/complete": complete,
}


def run(
    message: types.JSONRPCRequest,
    handler: Callable[[Call], types.Result],
    version: str | None,
    token: TokenInfo,
    record: audit.Record,
) -> types.Result:
    """Check the params and run the handler, in either era; a protocol error raises RpcError
    with the audit outcome set and the session rolled back."""
    params = {"method": message.method}
    if message.params is not None:
        params["params"] = message.params
        where = _control_characters(message.method, message.params)
        if where is not None:
            record.outcome = "invalid"
            raise RpcError(
                types.INVALID_PARAMS,
                f"Invalid params: {where}: must not contain control characters",
            )
    try:
        typed = types.client_request_adapter.validate_python(params)
    except ValidationError as error:
        record.outcome = "invalid"
        raise RpcError(types.INVALID_PARAMS, _params_message(error)) from None

    call = Call(token=token, request=typed, version=version, record=record)
    try:
        result = handler(call)
    except RpcError as error:
        db.session.rollback()
        record.outcome = error.outcome
        raise
    except Exception:
        db.session.rollback()
        log.exception("MCP %s failed", message.method)
        record.outcome = "error"
        raise RpcError(types.INTERNAL_ERROR, "Internal error", outcome="error") from None
    if record.outcome is None:
        record.outcome = "ok"
    return result


def _control_characters(method: str, params: dict) -> str | None:
    """Where the params hold control characters; a tool's arguments are the tool's to check
    (a tool result with isError the assistant can correct, portal/mcp/validation.py)."""
    if method == "tools/call":
        params = {k: v for k, v in params.items() if k != "arguments"}
    return find_in_json(params)


def _params_message(error: ValidationError) -> str:
    first = error.errors()[0] if error.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("params",))
    return f"Invalid params: {where or 'params'}: {first.get('msg', 'invalid')}"[:300]
