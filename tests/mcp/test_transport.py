"""The Streamable HTTP transport of /mcp/ over real HTTP: DESIGN.md §8, status by status."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import httpx
import pytest

from portal import ratelimits
from portal.extensions import db
from portal.models import AuditEvent
from tests.conftest import make_app
from tests.mcp.conftest import mint_token, serve

INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "pytest", "version": "1"},
    },
}
PING = {"jsonrpc": "2.0", "id": 7, "method": "ping"}


@pytest.mark.parametrize("version", ["2025-11-25", "2025-06-18", "2025-03-26"])
def test_initialize_negotiates_each_supported_version_statelessly(live, version):
    message = {**INIT, "params": {**INIT["params"], "protocolVersion": version}}
    response = live.post(message)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert "Mcp-Session-Id" not in response.headers
    result = response.json()["result"]
    assert result["protocolVersion"] == version
    assert result["capabilities"]["tools"] == {"listChanged": False}
    assert set(result["capabilities"]) == {"tools", "resources", "prompts", "completions"}
    assert "resultType" not in result


def test_initialize_with_an_unknown_version_offers_the_latest(live):
    message = {**INIT, "params": {**INIT["params"], "protocolVersion": "2024-01-01"}}
    assert live.post(message).json()["result"]["protocolVersion"] == "2025-11-25"


def test_notification_is_accepted_with_an_empty_body(live):
    response = live.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
    assert response.status_code == 202
    assert response.content == b""


def test_a_batch_is_refused(live):
    response = live.post([PING, {**PING, "id": 8}])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600


def test_unparseable_body_is_a_parse_error(live):
    response = httpx.post(live.url, content=b"{not json", headers=live.headers())
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32700


def test_invalid_jsonrpc_message_is_refused(live):
    response = live.post({"jsonrpc": "1.0", "id": 1, "method": "ping"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == -32600


@pytest.mark.parametrize("path", ["/mcp", "/mcp/"])
def test_both_paths_answer_without_redirect(live, path):
    response = httpx.post(live.base + path, json=PING, headers=live.headers())
    assert response.status_code == 200
    assert response.json() == {"jsonrpc": "2.0", "id": 7, "result": {}}


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_get_and_delete_are_not_allowed(live, method):
    response = httpx.request(method, live.url, headers=live.headers())
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_a_browser_get_gets_the_405_with_a_link_to_ai_connections(live):
    response = httpx.get(live.base + "/mcp", headers={"Accept": "text/html"})
    assert response.status_code == 405
    assert "href='/mcp/about/'" in response.text
    assert httpx.get(live.base + "/mcp/about/").status_code == 200


def test_foreign_origin_is_forbidden(live):
    response = live.post(PING, Origin="http://evil.example")
    assert response.status_code == 403
    assert live.post(PING, Origin=live.base).status_code == 200


def test_unsupported_protocol_version_header_is_a_400(live):
    response = live.post(PING, **{"MCP-Protocol-Version": "1999-01-01"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["data"]["supported"] == ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"]


def test_missing_protocol_version_header_means_2025_03_26(live):
    headers = live.headers()
    del headers["MCP-Protocol-Version"]
    assert httpx.post(live.url, json=PING, headers=headers).status_code == 200


@pytest.mark.parametrize("accept", ["text/event-stream", "text/html", ""])
def test_accept_without_json_is_a_406(live, accept):
    headers = live.headers(Accept=accept)
    assert httpx.post(live.url, json=PING, headers=headers).status_code == 406


@pytest.mark.parametrize("accept", ["application/json", "*/*", "application/json;q=0.5, */*"])
def test_accept_with_json_or_any_type_is_fine(live, accept):
    assert httpx.post(live.url, json=PING, headers=live.headers(Accept=accept)).status_code == 200


def test_body_must_be_json(live):
    headers = live.headers(**{"Content-Type": "text/plain"})
    assert httpx.post(live.url, content=b"{}", headers=headers).status_code == 415


@pytest.mark.parametrize("method", ["server/discover", "tools/delete", "logging/setLevel"])
def test_unknown_method_is_method_not_found(live, method):
    response = live.post({"jsonrpc": "2.0", "id": 3, "method": method, "params": {}})
    assert response.status_code == 200
    assert response.json()["error"]["code"] == -32601
    assert response.json()["id"] == 3


def test_bad_params_are_invalid_params(live):
    body = live.rpc("tools/call", {"arguments": {}})
    assert body["error"]["code"] == -32602


def test_unknown_tool_is_invalid_params(live):
    body = live.rpc("tools/call", {"name": "drop_tables", "arguments": {}})
    assert body["error"]["code"] == -32602


def _challenge(response: httpx.Response, live) -> dict[str, str]:
    assert response.status_code == 401
    header = response.headers["WWW-Authenticate"]
    assert header.startswith("Bearer ")
    return dict(re.findall(r'(\w+)="([^"]*)"', header))


def test_no_token_is_a_401_naming_the_resource_metadata(live):
    headers = live.headers()
    del headers["Authorization"]
    params = _challenge(httpx.post(live.url, json=PING, headers=headers), live)
    assert params["resource_metadata"] == live.base + "/.well-known/oauth-protected-resource/mcp"
    assert params["scope"] == "mcp:read"
    metadata = httpx.get(params["resource_metadata"]).json()
    assert metadata["resource"].rstrip("/") == live.base + "/mcp"


def test_unknown_token_is_a_401(live):
    params = _challenge(live.post(PING, token="not-a-real-token"), live)
    assert params["error"] == "invalid_token"


def _token_row(app, token: str):
    from portal.models.oauth import OAuthToken

    return db.session.scalar(
        db.select(OAuthToken).filter_by(token_hash=hashlib.sha256(token.encode()).hexdigest())
    )


def test_token_for_another_resource_is_refused(live):
    """Audience: the same token rebound to another server's resource is not accepted here."""
    token = mint_token(live.app, "bob@example.org", live.base)
    assert live.post(PING, token=token).status_code == 200
    with live.app.app_context():
        _token_row(live.app, token).resource = "https://elsewhere.example/mcp"
        db.session.commit()
    _challenge(live.post(PING, token=token), live)


def test_expired_token_is_refused(live):
    token = mint_token(live.app, "bob@example.org", live.base)
    with live.app.app_context():
        row = _token_row(live.app, token)
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    _challenge(live.post(PING, token=token), live)


def test_revoked_connection_is_refused_on_the_next_request(live):
    from portal.connections.service import revoke_connection

    token = mint_token(live.app, "bob@example.org", live.base)
    assert live.post(PING, token=token).status_code == 200
    with live.app.app_context():
        row = _token_row(live.app, token)
        assert revoke_connection(row.connection_id, row.connection.user_id)
    _challenge(live.post(PING, token=token), live)


def test_rate_limit_per_connection_is_a_429_with_retry_after(mcp_data, monkeypatch):
    monkeypatch.setattr(ratelimits, "clock", lambda: 1_800_000_000.0)  # the window's clock stands
    url, _, _ = mcp_data
    app = make_app(url, RATELIMIT_ENABLED=True, MCP_RATE_LIMIT="3 per minute")
    server, base = serve(app)
    try:
        app.config["PUBLIC_BASE_URL"] = base
        first, second = (mint_token(app, "bob@example.org", base) for _ in range(2))
        headers = {"Accept": "application/json", "MCP-Protocol-Version": "2025-11-25"}

        def ping(token):
            return httpx.post(
                base + "/mcp/", json=PING, headers={**headers, "Authorization": f"Bearer {token}"}
            )

        assert [ping(first).status_code for _ in range(3)] == [200, 200, 200]
        limited = ping(first)
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "60"
        assert ping(second).status_code == 200  # another connection has its own budget
        with app.app_context():
            rows = db.session.execute(
                db.select(AuditEvent.method, AuditEvent.outcome, AuditEvent.status)
                .where(AuditEvent.connection_id.is_not(None))
                .order_by(AuditEvent.id.desc())
                .limit(5)
            ).all()
        assert [tuple(r) for r in reversed(rows)] == [
            ("ping", "ok", 200),
            ("ping", "ok", 200),
            ("ping", "ok", 200),
            ("(none)", "rate_limited", 429),  # refused before the body is read
            ("ping", "ok", 200),
        ]
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


def _audit_rows(live, **filters):
    with live.app.app_context():
        rows = db.session.scalars(
            db.select(AuditEvent).filter_by(**filters).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return rows


def test_every_call_is_audited_without_free_text(live):
    secret_words = "Brammar surgery near the station"
    before = len(_audit_rows(live, surface="mcp"))
    live.call("search_practices", {"query": secret_words})
    live.call("get_practice_overview", {"practice": live.member_practice.lower()})
    live.post(PING, token="nope")
    rows = _audit_rows(live, surface="mcp")[before:]
    search, overview, denied = rows
    assert (search.method, search.tool, search.outcome, search.status) == (
        "tools/call",
        "search_practices",
        "ok",
        200,
    )
    assert search.query_length == len(secret_words)
    stored = " ".join(str(v) for v in vars(search).values())
    assert "Brammar" not in stored and "station" not in stored
    assert overview.ods_codes == live.member_practice
    assert overview.user_id is not None and overview.connection_id is not None
    assert overview.latency_ms > 0
    assert (denied.outcome, denied.status, denied.user_id) == ("unauthorised", 401, None)


def test_missing_practice_is_audited_as_not_found(live):
    before = len(_audit_rows(live, surface="mcp"))
    result = live.call("get_workforce", {"practice": "Y99999"})
    assert result["isError"] is True
    row = _audit_rows(live, surface="mcp")[before]
    assert (row.outcome, row.ods_codes) == ("not_found", "Y99999")


def test_a_failing_tool_is_a_tool_error_not_a_stack_trace(live):
    from portal.mcp.registry import ToolSpec, registry

    def broken(_ctx, _arguments):
        raise ZeroDivisionError("secret internals")

    registry.register(
        ToolSpec("test_broken", "Broken", "Fails", {"type": "object"}, broken, raw=True)
    )
    try:
        names = [t["name"] for t in live.rpc("tools/list")["result"]["tools"]]
        result = live.call("test_broken")
    finally:
        registry.unregister("test_broken")
    assert "test_broken" in names
    assert result["isError"] is True
    assert result["content"][0]["text"] == "Something went wrong on our side. Try again later."
    assert "test_broken" not in [t["name"] for t in live.rpc("tools/list")["result"]["tools"]]
