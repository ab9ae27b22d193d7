"""Bad input at every endpoint gets its RFC's error response (never a 500): RFC 6749 /
OAuth 2.1, RFC 7636 PKCE, RFC 8707 resource indicators, RFC 7591, RFC 7009, RFC 6750."""

from __future__ import annotations

import base64
from datetime import timedelta

import httpx
import pytest

from portal.clock import now
from portal.connections.tokens import hash_token, verify_access_token
from portal.extensions import db
from portal.models.oauth import OAuthToken
from tests.connections.oauth_flow import CALLBACK, Flow
from tests.connections.support import query


def error_of(response: httpx.Response, status: int = 400) -> str:
    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()["error"]


# --- registration --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({}, "invalid_redirect_uri"),
        ({"redirect_uris": []}, "invalid_redirect_uri"),
        ({"redirect_uris": ["http://evil.example.com/cb"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["https://a.example.com/cb#frag"]}, "invalid_redirect_uri"),
        ({"redirect_uris": ["not a url"]}, "invalid_redirect_uri"),
        (
            {"redirect_uris": [CALLBACK], "token_endpoint_auth_method": "private_key_jwt"},
            "invalid_client_metadata",
        ),
        (
            {"redirect_uris": [CALLBACK], "grant_types": ["client_credentials"]},
            "invalid_client_metadata",
        ),
        ({"redirect_uris": [CALLBACK], "response_types": ["token"]}, "invalid_client_metadata"),
        ({"redirect_uris": [CALLBACK], "client_name": 7}, "invalid_client_metadata"),
        ([1, 2], "invalid_client_metadata"),
    ],
)
def test_registration_rejects(live, body, error):
    assert error_of(httpx.post(live.url + "/oauth/register", json=body)) == error


def test_registration_of_assistant_callbacks_and_secret_clients(live):
    for uri in (
        "https://claude.ai/api/mcp/auth_callback",
        "https://claude.com/api/mcp/auth_callback",
        "https://chatgpt.com/connector_platform_oauth_redirect",
        "http://localhost:33418/callback",
        "http://[::1]:8080/cb",
    ):
        response = httpx.post(live.url + "/oauth/register", json={"redirect_uris": [uri]})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["redirect_uris"] == [uri]
        assert body["token_endpoint_auth_method"] == "client_secret_basic"  # RFC 7591 default
        assert body["client_secret"] and body["client_secret_expires_at"] == 0
    not_json = httpx.post(live.url + "/oauth/register", content=b"redirect_uris=x")
    assert error_of(not_json) == "invalid_client_metadata"


# --- authorisation endpoint ----------------------------------------------------------------


def test_unknown_client_and_bad_redirect_get_an_error_page_not_a_redirect(live, browser):
    flow = Flow(live.url, browser)
    for overrides in (
        {"client_id": "no-such-client"},
        {"client_id": None},
        {"redirect_uri": "http://127.0.0.1:5649/other"},
        {"redirect_uri": "https://evil.example.com/callback"},
        {"redirect_uri": None},
    ):
        response = browser.http.get(flow.authorize_url(**overrides))
        assert response.status_code == 400, overrides
        assert "location" not in response.headers


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_challenge": None, "code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"resource": "https://other.example.com/mcp"}, "invalid_target"),
        ({"response_type": "token"}, "unsupported_response_type"),
    ],
)
def test_authorize_errors_redirect_with_state_and_iss(live, browser, overrides, error):
    flow = Flow(live.url, browser)
    response = browser.http.get(flow.authorize_url(**overrides))
    assert response.status_code == 302
    params = query(response.headers["location"])
    assert response.headers["location"].startswith(CALLBACK + "?")
    assert params["error"] == [error]
    assert params["state"] == [flow.state] and params["iss"] == [live.url]


def test_loopback_redirect_may_change_port_but_not_path(live, browser):
    flow = Flow(live.url, browser)
    flow.redirect_uri = "http://127.0.0.1:5647/callback"
    tokens = flow.tokens()
    assert flow.call(tokens["access_token"]).status_code == 200
    other_path = browser.http.get(
        flow.authorize_url(redirect_uri="http://127.0.0.1:5647/elsewhere")
    )
    assert other_path.status_code == 400


def test_deny_returns_access_denied(live, browser):
    browser.decision = "deny"
    flow = Flow(live.url, browser)
    callback = browser.authorize(flow.authorize_url(), CALLBACK)
    params = query(callback)
    assert params["error"] == ["access_denied"] and params["state"] == [flow.state]
    assert params["iss"] == [live.url]


def test_consent_needs_csrf_token_and_sign_in(live, browser):
    flow = Flow(live.url, browser)
    signed_out = httpx.get(flow.authorize_url())
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["location"]
    flow.code()  # signs in
    forged = browser.http.post(
        live.url + "/oauth/authorize", data={**flow.authorize_params(), "decision": "approve"}
    )
    assert forged.status_code == 400 and "location" not in forged.headers


# --- token endpoint ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"code_verifier": None}, "invalid_request"),
        ({"code_verifier": "x" * 43}, "invalid_grant"),
        ({"redirect_uri": "http://127.0.0.1:5649/other"}, "invalid_grant"),
        ({"resource": "https://other.example.com/mcp"}, "invalid_target"),
        ({"code": "not-a-code"}, "invalid_grant"),
        ({"code": None}, "invalid_request"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
        ({"grant_type": None}, "invalid_request"),
    ],
)
def test_token_request_errors(live, browser, overrides, error):
    flow = Flow(live.url, browser)
    assert error_of(flow.token(flow.code(), **overrides)) == error


def test_unknown_client_at_token_endpoint(live, browser):
    flow = Flow(live.url, browser)
    code = flow.code()
    assert error_of(flow.token(code, client_id="no-such-client"), 401) == "invalid_client"
    other = Flow(live.url, browser)
    assert error_of(other.token(code, code_verifier=flow.verifier)) == "invalid_grant"


def test_reused_code_fails_and_revokes_its_tokens(live, browser):
    flow = Flow(live.url, browser)
    code = flow.code()
    first = flow.token(code)
    assert first.status_code == 200
    assert error_of(flow.token(code)) == "invalid_grant"
    assert flow.call(first.json()["access_token"]).status_code == 401
    assert error_of(flow.refresh(first.json()["refresh_token"])) == "invalid_grant"


def test_refresh_rotation_and_reuse_revokes_the_family(live, browser, app):
    flow = Flow(live.url, browser)
    tokens = flow.tokens()
    second = flow.refresh(tokens["refresh_token"]).json()
    assert flow.call(second["access_token"]).status_code == 200
    with app.app_context():  # past the grace window for parallel refreshes
        db.session.execute(
            db.update(OAuthToken)
            .where(OAuthToken.token_hash == hash_token(tokens["refresh_token"]))
            .values(rotated_at=now() - timedelta(seconds=61))
        )
        db.session.commit()
    assert error_of(flow.refresh(tokens["refresh_token"])) == "invalid_grant"  # reuse
    assert flow.call(second["access_token"]).status_code == 401  # family revoked
    assert error_of(flow.refresh(second["refresh_token"])) == "invalid_grant"


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"resource": "https://other.example.com/mcp"}, "invalid_target"),
        ({"scope": "mcp:read admin"}, "invalid_scope"),
        ({"refresh_token": "nope"}, "invalid_grant"),
    ],
)
def test_refresh_errors(live, browser, overrides, error):
    flow = Flow(live.url, browser)
    tokens = flow.tokens()
    assert error_of(flow.refresh(tokens["refresh_token"], **overrides)) == error


def test_secret_clients_basic_and_post(live, browser):
    basic = Flow(live.url, browser, token_endpoint_auth_method="client_secret_basic")
    code = basic.code()
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": basic.redirect_uri,
        "code_verifier": basic.verifier,
        "resource": basic.resource,
    }
    wrong = base64.b64encode(f"{basic.client_id}:wrong".encode()).decode()
    refused = httpx.post(
        live.url + "/oauth/token", data=data, headers={"Authorization": f"Basic {wrong}"}
    )
    assert error_of(refused, 401) == "invalid_client"
    assert refused.headers["www-authenticate"].startswith("Basic")
    right = base64.b64encode(f"{basic.client_id}:{basic.client['client_secret']}".encode()).decode()
    code = basic.code()
    ok = httpx.post(
        live.url + "/oauth/token",
        data={**data, "code": code},
        headers={"Authorization": f"Basic {right}"},
    )
    assert ok.status_code == 200, ok.text
    post = Flow(live.url, browser, token_endpoint_auth_method="client_secret_post")
    code = post.code()
    assert error_of(post.token(code, client_secret=None), 401) == "invalid_client"
    assert post.token(post.code()).status_code == 200


# --- tokens at the resource, and RFC 7009 ----------------------------------------------------


def test_bearer_challenges(live, browser):
    missing = httpx.get(live.url + "/_test/whoami")
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == (
        f'Bearer resource_metadata="{live.url}/.well-known/oauth-protected-resource/mcp", '
        'scope="mcp:read"'
    )
    bogus = httpx.get(live.url + "/_test/whoami", headers={"Authorization": "Bearer nonsense"})
    assert bogus.status_code == 401 and 'error="invalid_token"' in bogus.headers["www-authenticate"]


def test_expired_token_is_refused(live, browser, app):
    flow = Flow(live.url, browser)
    tokens = flow.tokens()
    with app.app_context():
        token = db.session.scalar(
            db.select(OAuthToken).filter_by(token_hash=hash_token(tokens["access_token"]))
        )
        token.expires_at = now() - timedelta(seconds=1)
        refresh = db.session.scalar(
            db.select(OAuthToken).filter_by(token_hash=hash_token(tokens["refresh_token"]))
        )
        refresh.expires_at = now() - timedelta(seconds=1)
        db.session.commit()
    assert flow.call(tokens["access_token"]).status_code == 401
    assert error_of(flow.refresh(tokens["refresh_token"])) == "invalid_grant"


def test_audience_is_checked(live, browser, app):
    flow = Flow(live.url, browser)
    tokens = flow.tokens()
    with app.app_context():
        assert verify_access_token(tokens["access_token"], live.url + "/mcp/") is not None
        assert (
            verify_access_token(
                tokens["access_token"], live.url.upper().replace("HTTP", "http") + "/mcp"
            )
            is not None
        )
        assert verify_access_token(tokens["access_token"], "https://other.example.com/mcp") is None
        assert verify_access_token(tokens["refresh_token"], live.url + "/mcp") is None
        assert verify_access_token("", live.url + "/mcp") is None


def test_rfc7009_revocation(live, browser):
    flow = Flow(live.url, browser)
    tokens = flow.tokens()
    revoke = live.url + "/oauth/revoke"
    assert (
        httpx.post(revoke, data={"token": "unknown", "client_id": flow.client_id}).status_code
        == 200
    )
    assert error_of(httpx.post(revoke, data={"client_id": flow.client_id})) == "invalid_request"
    assert (
        error_of(httpx.post(revoke, data={"token": "x", "client_id": "nobody"}), 401)
        == "invalid_client"
    )
    other = Flow(live.url, browser)
    assert (
        httpx.post(
            revoke, data={"token": tokens["access_token"], "client_id": other.client_id}
        ).status_code
        == 200
    )
    assert flow.call(tokens["access_token"]).status_code == 200  # not another client's to revoke
    assert (
        httpx.post(
            revoke, data={"token": tokens["access_token"], "client_id": flow.client_id}
        ).status_code
        == 200
    )
    assert flow.call(tokens["access_token"]).status_code == 401
    second = flow.refresh(tokens["refresh_token"]).json()
    httpx.post(
        revoke,
        data={
            "token": second["refresh_token"],
            "client_id": flow.client_id,
            "token_type_hint": "refresh_token",
        },
    )
    assert flow.call(second["access_token"]).status_code == 401
    assert error_of(flow.refresh(second["refresh_token"])) == "invalid_grant"


def test_odd_input_never_breaks_the_server(live, browser):
    flow = Flow(live.url, browser)
    token = live.url + "/oauth/token"
    odd = [
        httpx.post(token, data={"grant_type": "authorization_code", "client_id": "a\x00b"}),
        httpx.post(token, json={"grant_type": "authorization_code"}),
        httpx.post(
            token, data={"grant_type": "refresh_token"}, headers={"Authorization": "Basic !!!"}
        ),
        httpx.post(
            token, data={"grant_type": "refresh_token"}, headers={"Authorization": "Basic eHl6"}
        ),
        httpx.post(live.url + "/oauth/revoke", data={"token": "\x00", "client_id": flow.client_id}),
        httpx.post(
            live.url + "/oauth/register", json={"redirect_uris": [CALLBACK], "client_name": "a\x00"}
        ),
        httpx.post(
            live.url + "/oauth/register", json={"redirect_uris": ["https://a.example/\x00"]}
        ),
        browser.http.get(flow.authorize_url(client_id="x" * 5000)),
        browser.http.get(flow.authorize_url() + "&client_id=" + flow.client_id),  # repeated
        browser.http.get(flow.authorize_url(state="\x00\u2603")),
        browser.http.get(live.url + "/oauth/authorize"),
    ]
    assert [r.status_code for r in odd] == [400, 400, 401, 401, 400, 400, 400, 400, 400, 302, 400]
    assert query(odd[9].headers["location"])["error_description"] == [
        "state contains a control character"
    ]
