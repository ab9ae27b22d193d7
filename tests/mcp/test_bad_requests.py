"""Every shape of bad request to /mcp/ is a JSON-RPC error with a 4xx, over real HTTP, on SQLite and
PostgreSQL: bodies that are not JSON (nested too deep included), messages that are not objects,
ids of the wrong type, oversized bodies, control characters anywhere, unknown addresses and
methods. Each leaves exactly one audit row, with no name the caller made up."""

from __future__ import annotations

import json

import httpx
import pytest

from portal.extensions import db
from portal.models import AuditEvent

PING = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
DEEP = 100_000
NOT_JSON = "Parse error: the body is not JSON"
BAD_ID = "Invalid JSON-RPC message: id must be a string or integer"
NOT_ALLOWED = "Method not allowed: POST JSON-RPC messages. See /mcp/about/"


def error(code: int, message: str, request_id=None) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def post_bytes(live, content: bytes, path: str = "/mcp/", **headers) -> httpx.Response:
    return httpx.post(live.base + path, content=content, headers=live.headers(**headers))


def tool_text(body: dict) -> tuple[bool, str]:
    result = body["result"]
    return result["isError"], result["content"][0]["text"]


def _last_id(live) -> int:
    with live.app.app_context():
        return db.session.scalar(db.select(db.func.max(AuditEvent.id))) or 0


def _rows_after(live, first: int) -> list[tuple]:
    with live.app.app_context():
        rows = db.session.execute(
            db.select(AuditEvent.method, AuditEvent.tool, AuditEvent.outcome, AuditEvent.status)
            .where(AuditEvent.id > first, AuditEvent.surface == "mcp")
            .order_by(AuditEvent.id)
        ).all()
        db.session.remove()
    return [tuple(r) for r in rows]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"",
        b"\xff\xfe{}",
        b"[" * DEEP,
        b"[" * DEEP + b"]" * DEEP,
        b'{"jsonrpc":"2.0","id":1,"method":"ping","params":{"a":' + b"{" * DEEP,
        json.dumps({**PING, "params": {}})[:-1].encode() + b'"a":' + b'{"b":' * DEEP,
    ],
    ids=["broken", "empty", "not-utf8", "open-arrays", "deep-arrays", "deep-objects", "deep"],
)
def test_a_body_that_is_not_json_is_a_parse_error_with_a_null_id(live, content):
    response = post_bytes(live, content)
    assert response.status_code == 400
    assert response.json() == error(-32700, NOT_JSON)


@pytest.mark.parametrize("payload", ['"ping"', "7", "null", "true", "1.5"])
def test_a_message_that_is_not_an_object_is_an_invalid_request(live, payload):
    response = post_bytes(live, payload.encode())
    assert response.status_code == 400
    assert response.json() == error(-32600, "Invalid JSON-RPC message: not an object")


@pytest.mark.parametrize("payload", ["[]", json.dumps([PING, PING])])
def test_a_batch_is_an_invalid_request(live, payload):
    response = post_bytes(live, payload.encode())
    assert response.status_code == 400
    assert response.json() == error(-32600, "Batches are not supported: send one JSON-RPC message")


@pytest.mark.parametrize(
    "request_id",
    [None, 1.5, 1.0, True, False, {"a": 1}, [1], []],
    ids=["null", "fraction", "float", "true", "false", "object", "array", "empty-array"],
)
@pytest.mark.parametrize("method", ["ping", "notifications/initialized", "tools/call"])
def test_an_id_of_the_wrong_type_is_an_invalid_request_answered_with_a_null_id(
    live, request_id, method
):
    response = live.post({"jsonrpc": "2.0", "id": request_id, "method": method})
    assert response.status_code == 400
    assert response.json() == error(-32600, BAD_ID)


def test_an_invalid_message_with_a_good_id_keeps_its_id(live):
    for request_id in (5, "abc"):
        response = live.post({"jsonrpc": "1.0", "id": request_id, "method": "ping"})
        assert response.status_code == 400
        assert response.json() == error(-32600, "Invalid JSON-RPC message", request_id)


def test_a_body_over_the_limit_is_a_413(live):
    live.app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        big = json.dumps({**PING, "params": {"_meta": {"pad": "x" * 3000}}}).encode()
        response = post_bytes(live, big)
    finally:
        live.app.config["MAX_CONTENT_LENGTH"] = 5 * 1024 * 1024
    assert response.status_code == 413
    assert response.json() == error(-32600, "Request too large: send at most 2000 bytes")
    assert live.post(PING).status_code == 200


def test_a_big_body_within_the_limit_is_answered(live):
    body = live.rpc(
        "tools/call", {"name": "search_practices", "arguments": {"query": "x" * 4_000_000}}
    )
    assert tool_text(body) == (True, "Argument 'query' must be 100 characters or fewer")


def test_deep_nesting_that_parses_is_answered(live):
    nested: list = []
    for _ in range(200):
        nested = [nested]
    body = live.rpc("tools/call", {"name": "list_metrics", "arguments": {"deep": nested}})
    assert tool_text(body)[0] is True
    assert tool_text(body)[1].startswith("Unknown argument 'deep'")
    assert live.rpc("ping", {"_meta": {"deep": nested}}) == {
        "jsonrpc": "2.0",
        "id": 1,
        "result": {},
    }


CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x1b", "\x1f", "\x7f"]


@pytest.mark.parametrize("char", CONTROL)
def test_control_characters_in_a_tool_argument_are_a_tool_error(live, char):
    query = f"dens{char}ham"
    search = live.call("search_practices", {"query": query})
    assert (search["isError"], search["content"][0]["text"]) == (
        True,
        "Argument 'query' must not contain control characters",
    )
    practice = live.call("get_practice_overview", {"practice": f"A8100{char}"})
    assert practice["content"][0]["text"] == (
        "Argument 'practice' must not contain control characters"
    )
    compare = live.call(
        "compare_practices",
        {"practices": [live.member_practice, f"A{char}"], "metrics": ["list_size"]},
    )
    assert compare["content"][0]["text"] == (
        "Argument 'practices.1' must not contain control characters"
    )


@pytest.mark.parametrize("char", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_in_a_search_are_searched(live, char):
    result = live.call("search_practices", {"query": f"{live.member_practice}{char}"})
    assert result["isError"] is False
    assert result["structuredContent"]["practices"][0]["code"] == live.member_practice


@pytest.mark.parametrize("char", CONTROL)
@pytest.mark.parametrize(
    ("method", "params", "where"),
    [
        ("resources/read", {"uri": "haresign://sources{c}"}, "uri"),
        (
            "prompts/get",
            {"name": "practice_overview", "arguments": {"practice": "A{c}"}},
            "arguments.practice",
        ),
        ("tools/call", {"name": "search{c}practices", "arguments": {}}, "name"),
        (
            "initialize",
            {
                "protocolVersion": "2025-11-25",
                "capabilities": {},
                "clientInfo": {"name": "x{c}", "version": "1"},
            },
            "clientInfo.name",
        ),
    ],
    ids=["resource-uri", "prompt-argument", "tool-name", "client-name"],
)
def test_control_characters_in_other_params_are_invalid_params(live, char, method, params, where):
    params = json.loads(json.dumps(params).replace("{c}", json.dumps(char)[1:-1]))
    body = live.rpc(method, params)
    assert body == error(-32602, f"Invalid params: {where}: must not contain control characters", 1)


@pytest.mark.parametrize("char", ["%00", "%01", "%1F", "%7F", "%0A"])
def test_control_characters_in_the_address_are_a_400(live, char):
    in_query = post_bytes(live, json.dumps(PING).encode(), path=f"/mcp/?x=a{char}")
    assert in_query.status_code == 400
    assert in_query.json() == error(-32600, "x: must not contain control characters")
    in_path = post_bytes(live, json.dumps(PING).encode(), path=f"/mcp/a{char}b")
    assert in_path.status_code == 400
    assert in_path.json() == error(-32600, "the address: must not contain control characters")


@pytest.mark.parametrize("path", ["/mcp/nope", "/mcp/tools/list", "/mcp/aboutx"])
def test_an_unknown_address_under_mcp_is_a_json_rpc_404(live, path):
    response = post_bytes(live, json.dumps(PING).encode(), path=path)
    assert response.status_code == 404
    assert response.json() == error(-32600, "Not found: the MCP endpoint is /mcp/")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "GET", "DELETE", "PROPFIND"])
def test_other_http_methods_are_a_json_rpc_405(live, method):
    response = httpx.request(method, live.url, headers=live.headers())
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"
    assert response.json() == error(-32600, NOT_ALLOWED)


def test_the_origin_check_uses_the_public_base_url_not_the_host_header(live):
    evil = {"Host": "evil.example"}
    assert live.post(PING, Origin="http://evil.example", **evil).status_code == 403
    assert live.post(PING, Origin=live.base, **evil).status_code == 200


def test_every_request_leaves_one_audit_row_without_made_up_names(live):
    first = _last_id(live)
    invented = "drop_all_tables_now"
    live.post(PING, token="not-a-token")  # 401
    httpx.get(live.url, headers=live.headers())  # 405
    httpx.request("PUT", live.url, headers=live.headers())  # 405 from routing
    httpx.request("OPTIONS", live.url, headers=live.headers())  # no Origin: a plain 204
    post_bytes(live, b"{}", path="/mcp/" + invented)  # 404
    post_bytes(live, b"{}", path="/mcp/?q=%00")  # 400 control characters
    post_bytes(live, b"[" * DEEP)  # parse error
    live.post({"jsonrpc": "2.0", "id": 1, "method": invented})
    live.post({"jsonrpc": "2.0", "method": "notifications/" + invented})
    live.rpc("tools/call", {"name": invented, "arguments": {}})
    live.rpc("resources/read", {"uri": f"haresign://{invented}"})
    live.rpc("resources/read", {"uri": "haresign://sources"})
    live.rpc("prompts/get", {"name": invented})
    rows = _rows_after(live, first)
    assert rows == [
        ("(none)", None, "unauthorised", 401),
        ("(none)", None, "invalid", 405),
        ("(none)", None, "invalid", 405),
        ("(preflight)", None, "ok", 204),
        ("(none)", None, "invalid", 404),
        ("(none)", None, "invalid", 400),
        ("(none)", None, "invalid", 400),
        ("unknown_method", None, "invalid", 200),
        ("unknown_method", None, "ok", 202),
        ("tools/call", "unknown_tool", "invalid", 200),
        ("resources/read", "unknown_resource", "invalid", 200),
        ("resources/read", "haresign://sources", "ok", 200),
        ("prompts/get", "unknown_prompt", "invalid", 200),
    ]
    assert not any(invented in str(value) for row in rows for value in row)
