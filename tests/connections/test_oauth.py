"""The authorisation server over real HTTP: discovery, registration, the code flow with
sign-in and consent, refresh rotation, revocation, and every bad input's RFC error."""

from __future__ import annotations

import httpx

from tests.connections.oauth_flow import Flow


def test_discovery_documents(live):
    base = live.url
    for path in (
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ):
        prm = httpx.get(base + path)
        assert prm.status_code == 200
        assert prm.json()["resource"] == base + "/mcp"
        assert prm.json()["authorization_servers"] == [base]
        assert prm.json()["scopes_supported"] == ["mcp:read"]
    meta = httpx.get(base + "/.well-known/oauth-authorization-server").json()
    assert meta["issuer"] == base  # exactly, no trailing slash
    assert meta["authorization_endpoint"] == base + "/oauth/authorize"
    assert meta["token_endpoint"] == base + "/oauth/token"
    assert meta["registration_endpoint"] == base + "/oauth/register"
    assert meta["revocation_endpoint"] == base + "/oauth/revoke"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["client_id_metadata_document_supported"] is True
    assert meta["authorization_response_iss_parameter_supported"] is True
    assert set(meta["token_endpoint_auth_methods_supported"]) == {
        "none",
        "client_secret_post",
        "client_secret_basic",
    }


def test_public_base_url_sets_issuer_and_resource(app):
    app.config["PUBLIC_BASE_URL"] = "https://haresign.example.org"
    client = app.test_client()
    assert client.get("/.well-known/oauth-authorization-server").json["issuer"] == (
        "https://haresign.example.org"
    )
    assert client.get("/.well-known/oauth-protected-resource/mcp").json["resource"] == (
        "https://haresign.example.org/mcp"
    )


def test_full_flow_refresh_and_bearer(live, browser):
    flow = Flow(live.url, browser)
    tokens = flow.tokens()
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "mcp:read"
    assert tokens["expires_in"] == 8 * 3600
    consent = browser.pages[-1]
    assert "Test assistant" in consent and "127.0.0.1:5649" in consent
    assert "Read-only" in consent and "active role" in consent
    whoami = flow.call(tokens["access_token"])
    assert whoami.status_code == 200 and whoami.json()["client_id"] == flow.client_id
    refreshed = flow.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.headers["cache-control"] == "no-store"
    new = refreshed.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert flow.call(new["access_token"]).status_code == 200
