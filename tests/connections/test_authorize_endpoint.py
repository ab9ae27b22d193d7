"""The authorisation endpoint holds under method confusion, a forged Host and floods: HEAD
never runs the consent code, every address in a response comes from PUBLIC_BASE_URL, and
requests per client address are limited."""

from __future__ import annotations

import pytest

from portal.extensions import db, limiter
from portal.models.oauth import AuthorizationCode, Connection
from tests.accounts_support import post
from tests.connections.oauth_flow import CALLBACK, Flow, pkce
from tests.connections.support import add_protected_route, error_page, forms, query


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(db.select(db.func.count(Connection.id))),
            db.session.scalar(db.select(db.func.count(AuthorizationCode.id))),
        )


def test_head_runs_only_the_get_code(live, browser, app):
    flow = Flow(live.url, browser)
    flow.code()  # signs in (and approves once)
    before = counts(app)
    consent = browser.http.get(flow.authorize_url())
    form = forms(consent.text)[0]
    fields = {i["name"]: i.get("value", "") for i in form["inputs"] if i.get("name")}
    fields["decision"] = "approve"
    for request, status in (
        ({"url": live.url + "/oauth/authorize", "data": fields}, 400),  # no query: no client
        ({"url": flow.authorize_url(decision="approve"), "data": fields}, 200),  # the page
        ({"url": flow.authorize_url(decision="approve")}, 200),
    ):
        response = browser.http.request("HEAD", **request)
        assert response.status_code == status, request
        assert "location" not in response.headers
        assert response.content == b""
    assert counts(app) == before
    approved = browser.http.post(live.url + "/oauth/authorize", data=fields)
    assert approved.status_code == 302 and "code=" in approved.headers["location"]
    assert counts(app) == (before[0], before[1] + 1)


def test_a_decision_needs_a_signed_in_person(app):
    client = app.test_client()
    registered = client.post("/oauth/register", json={"redirect_uris": [CALLBACK]}).json
    verifier, challenge = pkce()
    decision = {
        "client_id": registered["client_id"],
        "redirect_uri": CALLBACK,
        "response_type": "code",
        "state": "s",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "resource": "http://127.0.0.1:5000/mcp",
        "decision": "approve",
    }
    refused = post(client, "/oauth/authorize", decision)  # a valid CSRF token, no sign-in
    assert error_page(refused) == ("access_denied", "sign in before you approve")
    assert counts(app) == (0, 0)


def test_authorize_answers_only_get_head_and_post(live, browser):
    flow = Flow(live.url, browser)
    for method in ("PUT", "DELETE", "PATCH"):
        response = browser.http.request(method, flow.authorize_url())
        assert response.status_code == 405, method


PUBLIC = "https://haresign.example.org"


@pytest.mark.parametrize(
    ("configured", "expected"),
    [(PUBLIC, PUBLIC), (None, "http://127.0.0.1:5000")],  # unset: the development origin
)
def test_a_foreign_host_changes_nothing_a_client_receives(app, configured, expected):
    app.config["PUBLIC_BASE_URL"] = configured
    add_protected_route(app)
    client = app.test_client()
    forged = {
        "base_url": "http://evil.example",
        "headers": {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
    }
    meta = client.get("/.well-known/oauth-authorization-server", **forged).json
    assert meta["issuer"] == expected
    urls = [v for k, v in meta.items() if k != "issuer" and isinstance(v, str) and "://" in v]
    assert len(urls) == 5 and all(u.startswith(expected + "/") for u in urls), urls
    for path in (
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ):
        prm = client.get(path, **forged).json
        assert prm["resource"] == expected + "/mcp"
        assert prm["authorization_servers"] == [expected]
        assert prm["resource_documentation"] == expected + "/mcp/about/"
    challenge = client.get("/_test/whoami", **forged)
    assert challenge.status_code == 401
    assert challenge.headers["WWW-Authenticate"] == (
        f'Bearer resource_metadata="{expected}/.well-known/oauth-protected-resource/mcp", '
        'scope="mcp:read"'
    )
    registered = client.post(
        "/oauth/register",
        json={"redirect_uris": ["https://claude.ai/api/mcp/auth_callback"]},
        **forged,
    ).json
    verifier, challenge_value = pkce()
    params = {
        "response_type": "code",
        "client_id": registered["client_id"],
        "redirect_uri": "https://claude.ai/api/mcp/auth_callback",
        "state": "s",
        "code_challenge": challenge_value,
        "code_challenge_method": "S256",
    }
    refused = client.get(
        "/oauth/authorize", query_string={**params, "resource": "http://evil.example/mcp"}, **forged
    )
    assert refused.status_code == 302
    assert query(refused.headers["Location"]) == {
        "error": ["invalid_target"],
        "error_description": ["unknown resource"],
        "state": ["s"],
        "iss": [expected],
    }
    signed_out = client.get(
        "/oauth/authorize", query_string={**params, "resource": expected + "/mcp"}, **forged
    )
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/account/sign-in?next=")
    assert "evil.example" not in signed_out.headers["Location"].split("?")[0]
    about = client.get("/mcp/about/", **forged).get_data(as_text=True)
    assert f'<code id="mcp-endpoint">{expected}/mcp/</code>' in about


def test_authorize_is_rate_limited_per_address(env_app):
    limited = env_app(RATELIMIT_ENABLED="true", AUTHORIZE_RATE_LIMIT="3 per minute")
    try:
        with limited.app_context():
            limiter.reset()
        client = limited.test_client()
        codes = [client.get("/oauth/authorize?client_id=x").status_code for _ in range(3)]
        codes.append(post(client, "/oauth/authorize", {"client_id": "x"}).status_code)
        assert codes == [400, 400, 400, 429]  # page views and decisions share the limit
        blocked = client.get("/oauth/authorize?client_id=x")
        assert blocked.status_code == 429
        assert "Too many requests" in blocked.get_data(as_text=True)
        other = client.get("/oauth/authorize?client_id=x", environ_base={"REMOTE_ADDR": "10.9.8.7"})
        assert other.status_code == 400  # another address has its own count
    finally:
        with limited.app_context():
            limiter.reset()
