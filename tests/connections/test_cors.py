"""CORS on the endpoints browser-based MCP clients call: discovery, registration, token and
revocation answer any origin, on every answer (errors before a view included), and expose a
401's challenge; the pages people use get no CORS headers."""

from __future__ import annotations

import pytest

ORIGIN = {"Origin": "https://inspector.example"}
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, MCP-Protocol-Version"


def cors_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("Access-Control-")}


def expected(methods: str) -> dict[str, str]:
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Expose-Headers": "WWW-Authenticate",
        "Access-Control-Max-Age": "600",
    }


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("/.well-known/oauth-authorization-server", "GET, OPTIONS"),
        ("/.well-known/oauth-protected-resource/mcp", "GET, OPTIONS"),
        ("/oauth/register", "POST, OPTIONS"),
        ("/oauth/token", "POST, OPTIONS"),
        ("/oauth/revoke", "POST, OPTIONS"),
    ],
)
def test_preflight_answers_any_origin(client, path, methods):
    headers = {**ORIGIN, "Access-Control-Request-Method": methods.split(",")[0]}
    response = client.options(path, headers=headers)
    assert response.status_code == 200
    assert cors_headers(response) == expected(methods)


def test_a_token_endpoint_401_exposes_its_challenge(client):
    response = client.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": "x"},
        headers={**ORIGIN, "Authorization": "Basic bm9ib2R5Om5vdGhpbmc="},
    )
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
    assert cors_headers(response) == expected("POST, OPTIONS")


def test_errors_raised_before_a_view_carry_cors(client):
    response = client.get("/oauth/token", headers=ORIGIN)
    assert response.status_code == 405
    assert response.get_json()["error"] == "invalid_request"
    assert cors_headers(response) == expected("POST, OPTIONS")


@pytest.mark.parametrize("path", ["/oauth/authorize", "/mcp/about/", "/account/sign-in"])
def test_pages_people_use_get_no_cors(client, path):
    assert cors_headers(client.get(path, headers=ORIGIN)) == {}
