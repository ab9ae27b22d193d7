"""Protocol 2026-07-28 on /mcp/ beside the 2025 era, over real HTTP (DESIGN.md §8, MCP-2026.md
§2): server/discover, headers checked against the body, the required _meta, resultType, the
caching hints, the error codes and statuses; a 2025 request on the same endpoint stays 2025."""

from __future__ import annotations

import base64

import httpx
import pytest

from portal.mcp import resources
from portal.mcp.methods import INSTRUCTIONS

VERSION = "2026-07-28"
EVERY_VERSION = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"]
META = {
    "io.modelcontextprotocol/protocolVersion": VERSION,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": {"name": "pytest", "version": "1"},
}
SERVER_INFO = {"name": "haresign", "title": "Haresign GP practice figures", "version": "0.1.0"}
NAMED = {"tools/call": "name", "prompts/get": "name", "resources/read": "uri"}


def message(method: str, params: dict | None = None, meta: dict | None = META) -> dict:
    params = dict(params or {})
    if meta is not None:
        params["_meta"] = meta
    return {"jsonrpc": "2.0", "id": 9, "method": method, "params": params}


def modern_headers(method: str, params: dict | None = None) -> dict[str, str]:
    headers = {"MCP-Protocol-Version": VERSION, "Mcp-Method": method}
    if method in NAMED:
        headers["Mcp-Name"] = (params or {})[NAMED[method]]
    return headers


def post(live, body: dict, **headers) -> httpx.Response:
    return httpx.post(live.url, json=body, headers=live.headers(**headers))


def modern(live, method: str, params: dict | None = None) -> httpx.Response:
    return post(live, message(method, params), **modern_headers(method, params))


def result(live, method: str, params: dict | None = None) -> dict:
    response = modern(live, method, params)
    assert response.status_code == 200, response.text
    assert "Mcp-Session-Id" not in response.headers
    body = response.json()["result"]
    assert body["resultType"] == "complete"
    assert body["_meta"]["io.modelcontextprotocol/serverInfo"] == SERVER_INFO
    return body


def error(response: httpx.Response, status: int, code: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["id"] == 9
    assert body["error"]["code"] == code
    return body["error"]


def test_server_discover(live):
    body = result(live, "server/discover")
    assert body["supportedVersions"] == EVERY_VERSION
    assert body["capabilities"] == {
        "tools": {"listChanged": False},
        "resources": {"subscribe": False, "listChanged": False},
        "prompts": {"listChanged": False},
        "completions": {},
        "extensions": {"io.modelcontextprotocol/ui": {"mimeTypes": ["text/html;profile=mcp-app"]}},
    }
    assert body["instructions"] == INSTRUCTIONS
    assert (body["ttlMs"], body["cacheScope"]) == (3_600_000, "public")


@pytest.mark.parametrize(
    "method", ["tools/list", "prompts/list", "resources/list", "resources/templates/list"]
)
def test_lists_are_the_same_for_every_caller_and_say_so(live, method):
    body = result(live, method)
    assert (body["ttlMs"], body["cacheScope"]) == (3_600_000, "public")


def test_tools_list_matches_the_2025_list_plus_the_2026_fields(live):
    body = result(live, "tools/list")
    legacy = live.rpc("tools/list")["result"]
    assert "resultType" not in legacy and "ttlMs" not in legacy
    assert body["tools"] == legacy["tools"]


def test_a_shared_resource_is_public_and_a_callers_resource_private(live):
    shared = result(live, "resources/read", {"uri": "haresign://catalogue/metrics"})
    assert (shared["ttlMs"], shared["cacheScope"]) == (300_000, "public")
    assert shared["contents"][0]["mimeType"] == "application/json"

    def mine(ctx, uri):
        return resources.json_contents(uri, {"user": ctx.user_id})

    spec = resources.ResourceSpec("test://mine", "mine", "Mine", "Per caller", "text/plain", mine)
    resources.registry.register(spec)
    try:
        private = result(live, "resources/read", {"uri": "test://mine"})
    finally:
        resources.registry.unregister("test://mine")
    assert (private["ttlMs"], private["cacheScope"]) == (300_000, "private")


def test_tools_call(live):
    body = result(live, "tools/call", {"name": "list_my_practices", "arguments": {}})
    assert body["isError"] is False
    assert body["structuredContent"]["practices"][0]["code"] == live.member_practice
    assert "ttlMs" not in body


def test_a_missing_resource_is_invalid_params_in_2026_and_32002_before(live):
    uri = "haresign://nothing"
    assert error(modern(live, "resources/read", {"uri": uri}), 400, -32602) == {
        "code": -32602,
        "message": "Resource not found",
        "data": {"uri": uri},
    }
    assert live.rpc("resources/read", {"uri": uri})["error"]["code"] == -32002


@pytest.mark.parametrize(
    ("meta", "missing"),
    [
        (None, "params._meta must be an object"),
        ({"io.modelcontextprotocol/clientCapabilities": {}}, "protocolVersion"),
        ({"io.modelcontextprotocol/protocolVersion": VERSION}, "clientCapabilities"),
    ],
)
def test_the_required_meta_fields(live, meta, missing):
    response = post(live, message("tools/list", meta=meta), **modern_headers("tools/list"))
    assert missing in error(response, 400, -32602)["message"]


@pytest.mark.parametrize(
    ("headers", "which"),
    [
        ({"Mcp-Method": "tools/list"}, "mcp-method"),
        ({"Mcp-Method": None}, "mcp-method"),
        ({"Mcp-Name": "get_funding"}, "mcp-name"),
        ({"Mcp-Name": None}, "mcp-name"),
        ({"MCP-Protocol-Version": "2025-11-25"}, None),  # a 2025 request: not checked this way
    ],
)
def test_headers_must_match_the_body(live, headers, which):
    params = {"name": "get_workforce", "arguments": {"practice": live.member_practice}}
    sent = {**modern_headers("tools/call", params), **headers}
    sent = {k: v for k, v in sent.items() if v is not None}
    response = httpx.post(
        live.url, json=message("tools/call", params), headers={**live.headers(), **sent}
    )
    if which is None:
        assert response.status_code == 200
        assert "resultType" not in response.json()["result"]
        return
    assert error(response, 400, -32020)["message"].startswith(which)


def test_a_non_ascii_name_travels_base64(live):
    name = "prévalence"
    encoded = "=?base64?" + base64.b64encode(name.encode()).decode() + "?="
    body = message("tools/call", {"name": name, "arguments": {}})
    headers = {"Mcp-Method": "tools/call", "MCP-Protocol-Version": VERSION}
    # the header matches the body once decoded: the call gets as far as the unknown tool
    assert error(post(live, body, **headers, **{"Mcp-Name": encoded}), 400, -32602) == {
        "code": -32602,
        "message": "Unknown tool: prévalence",
    }
    assert error(post(live, body, **headers, **{"Mcp-Name": "pr?valence"}), 400, -32020)


@pytest.mark.parametrize("method", ["ping", "initialize", "logging/setLevel", "tools/delete"])
def test_unknown_and_removed_methods_are_a_404(live, method):
    response = modern(live, method)
    assert error(response, 404, -32601)["message"] == f"Method not found: {method}"


def test_an_unsupported_version_names_every_version_we_serve(live):
    meta = {**META, "io.modelcontextprotocol/protocolVersion": "2099-01-01"}
    headers = {"MCP-Protocol-Version": "2099-01-01", "Mcp-Method": "tools/list"}
    response = post(live, message("tools/list", meta=meta), **headers)
    assert error(response, 400, -32022) == {
        "code": -32022,
        "message": "Unsupported protocol version: 2099-01-01",
        "data": {"supported": EVERY_VERSION, "requested": "2099-01-01"},
    }


def test_initialize_and_2025_requests_are_unchanged(live):
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": META[
            "io.modelcontextprotocol/clientInfo"
        ]},
    }  # fmt: skip
    headers = live.headers()
    del headers["MCP-Protocol-Version"]  # how a 2025 client opens
    answer = httpx.post(live.url, json=init, headers=headers).json()["result"]
    assert answer["protocolVersion"] == "2025-11-25" and "resultType" not in answer
    assert live.rpc("ping") == {"jsonrpc": "2.0", "id": 1, "result": {}}
    assert live.rpc("server/discover")["error"]["code"] == -32601  # 2025: no such method
