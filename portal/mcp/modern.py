"""Protocol 2026-07-28 on /mcp/, beside the 2025 era (DESIGN.md §8, MCP-2026.md §2).

A request is served the modern way when its MCP-Protocol-Version header is 2026-07-28, or when
it carries the modern per-request `_meta` (an unsupported version then gets -32022 naming every
version we serve). 2025-versioned requests, and `initialize` without the 2026-07-28 header,
stay with transport.py, unchanged. The modern way: headers checked against the body (-32020,
`Mcp-Param-*` too), the required `_meta` fields (-32602), `server/discover`, no `ping` or
`initialize`, unknown methods a 404, and every result with `resultType`, our serverInfo and,
where the spec asks, `ttlMs`/`cacheScope`. The checks are the SDK's own (`mcp.shared.inbound`);
the results are validated against the 2026-07-28 schema.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import mcp_types as types  # the wire types alone, without the SDK's client and server
from flask import Response, request
from mcp.shared.inbound import (
    ERROR_CODE_HTTP_STATUS,
    InboundLadderRejection,
    classify_inbound_request,
    validate_mcp_param_headers,
)
from mcp_types.methods import serialize_server_result
from pydantic import ValidationError
from werkzeug.datastructures import Headers

from portal.mcp import apps, audit, methods, resources
from portal.mcp.auth import TokenInfo
from portal.mcp.registry import registry
from portal.mcp.responses import json_text, jsonrpc_error
from portal.mcp.versions import EVERY_VERSION, MODERN_VERSION, MODERN_VERSIONS, SUPPORTED_VERSIONS

log = logging.getLogger(__name__)

LIST_TTL_MS = 3_600_000  # lists and discovery change only with a deploy
READ_TTL_MS = 300_000  # resource contents change when data is loaded
LISTS = frozenset(
    {"server/discover", "tools/list", "prompts/list", "resources/list", "resources/templates/list"}
)


def discover(_call: methods.Call) -> types.DiscoverResult:
    """What a modern client asks first: versions, capabilities, identity, instructions."""
    return types.DiscoverResult(
        supported_versions=list(EVERY_VERSION),
        capabilities=types.ServerCapabilities(
            tools=types.ToolsCapability(list_changed=False),
            resources=types.ResourcesCapability(subscribe=False, list_changed=False),
            prompts=types.PromptsCapability(list_changed=False),
            completions=types.CompletionsCapability(),
            extensions=apps.capability(),  # MCP Apps: the ui:// chart views
        ),
        instructions=methods.INSTRUCTIONS,
        ttl_ms=LIST_TTL_MS,
        cache_scope="public",
    )


# 2026-07-28 drops the handshake and ping; everything else is the same handler in both eras.
HANDLERS = {
    **{m: h for m, h in methods.HANDLERS.items() if m not in ("initialize", "ping")},
    "server/discover": discover,
}


def selects(message: types.JSONRPCRequest, headers: Headers) -> bool:
    """Whether this request is served the modern way: a 2026-07-28 header, or else the modern
    `_meta` on anything but `initialize` and a 2025-versioned request."""

    version = headers.get("MCP-Protocol-Version")
    if version in MODERN_VERSIONS:  # an initialize too: removed in 2026-07-28, so a 404
        return True
    if message.method == "initialize" or version in SUPPORTED_VERSIONS:
        return False
    meta = (message.params or {}).get("_meta")
    return isinstance(meta, dict) and types.PROTOCOL_VERSION_META_KEY in meta


def serve(
    message: types.JSONRPCRequest, payload: dict, token: TokenInfo, record: audit.Record
) -> Response:
    # RFC 9110 §5.5: a field value's leading and trailing whitespace is not part of it
    headers = {key.lower(): value.strip() for key, value in request.headers.items()}
    verdict = classify_inbound_request(
        payload, headers=headers, supported_modern_versions=MODERN_VERSIONS
    )
    if isinstance(verdict, InboundLadderRejection):
        record.outcome = "invalid"
        return _error(message.id, _naming_every_version(verdict))
    mismatch = _param_headers(message, headers)
    if mismatch is not None:
        record.outcome = "invalid"
        return _error(message.id, mismatch)
    handler = HANDLERS.get(message.method)
    if handler is None:
        record.outcome = "invalid"
        missing = methods.RpcError(types.METHOD_NOT_FOUND, f"Method not found: {message.method}")
        return _error(message.id, missing)
    try:
        result = methods.run(message, handler, MODERN_VERSION, token, record)
    except methods.RpcError as error:
        return _error(message.id, error)
    try:
        body = serialize_server_result(message.method, MODERN_VERSION, _complete(message, result))
    except ValidationError:  # a result of ours that the 2026-07-28 schema refuses: our bug
        log.exception("MCP %s: the result does not fit %s", message.method, MODERN_VERSION)
        record.outcome = "error"
        return _error(message.id, methods.RpcError(types.INTERNAL_ERROR, "Internal error"))
    return _response(message.id, body)


def _param_headers(
    message: types.JSONRPCRequest, headers: dict[str, str]
) -> InboundLadderRejection | None:
    """A tools/call's `Mcp-Param-*` headers must match the arguments its tool's schema marks
    with `x-mcp-header`."""
    params = message.params or {}
    name, arguments = params.get("name"), params.get("arguments")
    spec = registry.get(name) if message.method == "tools/call" and isinstance(name, str) else None
    if spec is None or not isinstance(arguments, dict):
        return None
    return validate_mcp_param_headers(spec.resolved_input_schema(), arguments, headers)


def _complete(message: types.JSONRPCRequest, result: types.Result) -> dict[str, Any]:
    """The result with what 2026-07-28 adds: resultType, serverInfo and the caching hints."""
    body = result.model_dump(by_alias=True, mode="json", exclude_none=True)
    body["resultType"] = "complete"
    body.setdefault("_meta", {})[types.SERVER_INFO_META_KEY] = {
        "name": methods.SERVER_NAME,
        "title": methods.SERVER_TITLE,
        "version": methods.SERVER_VERSION,
    }
    if message.method in LISTS:
        body["ttlMs"] = LIST_TTL_MS
        body["cacheScope"] = "public"  # the same lists for every caller
    elif message.method == "resources/read":
        body["ttlMs"] = READ_TTL_MS
        body["cacheScope"] = "public" if _shared((message.params or {}).get("uri")) else "private"
    return body


def _shared(uri: Any) -> bool:
    """Whether every caller reads the same contents at this URI (templates: assume not)."""
    return any(r.uri == uri and r.public for r in resources.registry.all())


def _naming_every_version(rejection: InboundLadderRejection) -> InboundLadderRejection:
    """-32022 names both eras' versions (as the 2025 path does), so a client can pick one."""
    if rejection.code != types.UNSUPPORTED_PROTOCOL_VERSION:
        return rejection
    requested = str(rejection.data["requested"])[:40]
    data = {"supported": list(EVERY_VERSION), "requested": requested}
    return InboundLadderRejection(
        rejection.code, f"Unsupported protocol version: {requested}", data
    )


def _error(request_id, error: methods.RpcError | InboundLadderRejection) -> Response:
    """The spec's HTTP status for the code: 400 for bad requests, 404 for unknown methods."""
    status = ERROR_CODE_HTTP_STATUS.get(error.code, 200)
    return jsonrpc_error(status, error.code, error.message, request_id, error.data)


def _response(request_id: str | int, body: dict[str, Any]) -> Response:
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
    return json_text(f'{{"jsonrpc":"2.0","id":{json.dumps(request_id)},"result":{text}}}')
