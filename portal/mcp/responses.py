"""JSON-RPC responses over HTTP for /mcp/: errors, results and raw JSON text, in either era."""

from __future__ import annotations

import json
from typing import Any

import mcp_types as types  # the wire types alone, without the SDK's client and server
from flask import Response

MODERN_ONLY_FIELDS = {"result_type", "ttl_ms", "cache_scope"}  # 2026-07-28 only (modern.py)


def jsonrpc_error(
    status: int, code: int, message: str, request_id=None, data: Any = None
) -> Response:
    """A JSON-RPC error response; `id` is null when the request's id could not be read
    (JSON-RPC 2.0 §5: it must be present)."""
    error = types.ErrorData(code=code, message=message, data=data)
    body = types.JSONRPCError(jsonrpc="2.0", id=request_id, error=error)
    payload = body.model_dump(by_alias=True, mode="json", exclude_none=True)
    return _json({"jsonrpc": "2.0", "id": request_id, "error": payload["error"]}, status)


def _json(payload: dict, status: int = 200) -> Response:
    return json_text(json.dumps(payload, separators=(",", ":"), ensure_ascii=False), status)


def json_text(text: str, status: int = 200) -> Response:
    response = Response(text, status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def result_response(request_id: str | int, result: types.Result) -> Response:
    """The JSON-RPC response, serialised by pydantic in one pass (no intermediate dicts)."""
    body = result.model_dump_json(by_alias=True, exclude_none=True, exclude=MODERN_ONLY_FIELDS)
    return json_text(f'{{"jsonrpc":"2.0","id":{json.dumps(request_id)},"result":{body}}}')
