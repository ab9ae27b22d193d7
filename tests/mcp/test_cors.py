"""CORS on /mcp/ for browser-based MCP clients: preflights from allowed origins (MCP_ALLOWED_ORIGINS
or PUBLIC_BASE_URL's) answer 204, others 403 without CORS headers; actual responses, 401s and
errors included, let allowed origins read them. Over real HTTP; every preflight is audited."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent

ALLOWED = "https://claude.example"
ALLOW_HEADERS = (
    "Authorization, Content-Type, Accept, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID, "
    "Mcp-Method, Mcp-Name"
)
EXPOSE_HEADERS = "WWW-Authenticate, Mcp-Session-Id, MCP-Protocol-Version"
FORBIDDEN = {
    "jsonrpc": "2.0",
    "id": None,
    "error": {"code": -32600, "message": "Forbidden: Origin not allowed"},
}
PING = {"jsonrpc": "2.0", "id": 7, "method": "ping"}
CALL = {
    "jsonrpc": "2.0",
    "id": 8,
    "method": "tools/call",
    "params": {"name": "list_metrics", "arguments": {}},
}


@pytest.fixture
def allowed(live, monkeypatch):
    """MCP_ALLOWED_ORIGINS as the deployment would set it (with a trailing slash, mixed case)."""
    monkeypatch.setitem(live.app.config, "MCP_ALLOWED_ORIGINS", ("https://Claude.example/",))
    return live


def preflight(live, origin: str | None, path: str = "/mcp/", **extra) -> httpx.Response:
    headers = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, mcp-protocol-version",
        **extra,
    }
    if origin is not None:
        headers["Origin"] = origin
    return httpx.options(live.base + path, headers=headers)


def cors_headers(response: httpx.Response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


def _audit_since(live, before: int | None) -> list[AuditEvent]:
    with live.app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.id > (before or 0)).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
        return rows


def _last_audit_id(live) -> int | None:
    with live.app.app_context():
        return db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))


@pytest.mark.parametrize("path", ["/mcp/", "/mcp"])
def test_preflight_from_a_configured_origin_is_a_204_with_every_cors_header(allowed, path):
    response = preflight(allowed, ALLOWED, path)
    assert response.status_code == 204
    assert response.content == b""
    assert cors_headers(response) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-allow-methods": "POST, GET, DELETE, OPTIONS",
        "access-control-allow-headers": ALLOW_HEADERS,
        "access-control-max-age": "600",
        "access-control-expose-headers": EXPOSE_HEADERS,
    }
    assert "Origin" in [v.strip() for v in response.headers["Vary"].split(",")]


def test_preflight_from_public_base_url_is_allowed_without_configuration(live):
    response = preflight(live, live.base)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == live.base


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil.example",  # another site
        "null",  # a sandboxed frame or a file: page
        "http://claude.example",  # the allowed host over another scheme
        "https://claude.example:8443",  # another port
        "https://claude.example.evil.example",  # the allowed name as a prefix
        "https://evilclaude.example",  # the allowed name as a suffix
        "https://sub.claude.example",  # a subdomain
    ],
)
def test_preflight_from_another_origin_is_a_403_without_cors_headers(allowed, origin):
    response = preflight(allowed, origin)
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert cors_headers(response) == {}


def test_options_without_an_origin_is_a_plain_204(live):
    response = preflight(live, None)
    assert response.status_code == 204
    assert response.headers["Allow"] == "POST, OPTIONS"
    assert cors_headers(response) == {}


def test_preflight_runs_no_tool_needs_no_token_and_is_audited(allowed):
    before = _last_audit_id(allowed)
    allowed_response = httpx.request(
        "OPTIONS",
        allowed.url,
        json=CALL,
        headers={"Origin": ALLOWED, "Access-Control-Request-Method": "POST"},
    )
    refused = preflight(allowed, "https://evil.example")
    assert (allowed_response.status_code, refused.status_code) == (204, 403)
    rows = _audit_since(allowed, before)
    assert [
        (r.method, r.tool, r.outcome, r.status, r.user_id, r.connection_id, r.ods_codes)
        for r in rows
    ] == [
        ("(preflight)", None, "ok", 204, None, None, None),
        ("(preflight)", None, "invalid", 403, None, None, None),
    ]


def test_actual_post_from_an_allowed_origin_can_be_read(allowed):
    response = allowed.post(PING, Origin=ALLOWED)
    assert response.status_code == 200
    assert response.json() == {"jsonrpc": "2.0", "id": 7, "result": {}}
    assert cors_headers(response) == {
        "access-control-allow-origin": ALLOWED,
        "access-control-expose-headers": EXPOSE_HEADERS,
    }
    assert "Origin" in [v.strip() for v in response.headers["Vary"].split(",")]


def test_a_401_to_an_allowed_origin_exposes_its_challenge(allowed):
    response = allowed.post(PING, token="not-a-token", Origin=ALLOWED)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer ")
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert response.headers["Access-Control-Expose-Headers"] == EXPOSE_HEADERS


def test_a_405_to_an_allowed_origin_can_be_read(allowed):
    response = httpx.get(allowed.url, headers={"Origin": ALLOWED, "Accept": "text/event-stream"})
    assert response.status_code == 405
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED


@pytest.mark.parametrize("origin", ["https://evil.example", "https://claude.example.evil.example"])
def test_actual_post_from_another_origin_is_a_403_without_cors_headers(allowed, origin):
    response = allowed.post(PING, Origin=origin)
    assert response.status_code == 403
    assert response.json() == FORBIDDEN
    assert cors_headers(response) == {}


def test_a_server_side_client_without_origin_gets_no_cors_headers(live):
    response = live.post(PING)
    assert response.status_code == 200
    assert cors_headers(response) == {}
