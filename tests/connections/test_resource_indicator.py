"""RFC 8707 resource indicators: a client may leave `resource` out at authorize, token and
refresh (it then means the one MCP resource this server protects, or the grant's own); a
named one must be that resource, and one only, else invalid_target."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
import pytest

from portal.connections.tokens import hash_token
from portal.extensions import db
from portal.models.oauth import OAuthToken
from tests.connections.oauth_flow import CALLBACK, Flow
from tests.connections.support import query

OTHER = "https://other.example.com/mcp"
NOT_THE_GRANT = {
    "error": "invalid_target",
    "error_description": "the resource does not match the grant",
}
SEVERAL = {
    "error": "invalid_target",
    "error_description": "at most one resource may be named (RFC 8707)",
}


def refused(response: httpx.Response) -> dict:
    assert response.status_code == 400, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def test_omitted_at_authorize_token_and_refresh_means_the_mcp_resource(live, browser, app):
    flow = Flow(live.url, browser)
    response = flow.token(flow.code(resource=None), resource=None)
    assert response.status_code == 200, response.text
    assert flow.call(response.json()["access_token"]).status_code == 200  # audience is /mcp
    refreshed = flow.refresh(response.json()["refresh_token"], resource=None)
    assert refreshed.status_code == 200, refreshed.text
    assert flow.call(refreshed.json()["access_token"]).status_code == 200
    with app.app_context():
        bound = set(db.session.scalars(db.select(OAuthToken.resource)))
    assert bound == {live.url + "/mcp"}


@pytest.mark.parametrize(
    ("at_authorize", "at_token", "at_refresh"),
    [
        (None, "{base}/mcp", None),
        ("{base}/mcp/", None, "{base}/mcp"),
        ("{base}", "{base}/mcp/", None),
    ],
)
def test_named_in_some_steps_only(live, browser, at_authorize, at_token, at_refresh):
    flow = Flow(live.url, browser)
    named = [v.format(base=live.url) if v else None for v in (at_authorize, at_token, at_refresh)]
    response = flow.token(flow.code(resource=named[0]), resource=named[1])
    assert response.status_code == 200, response.text
    refreshed = flow.refresh(response.json()["refresh_token"], resource=named[2])
    assert refreshed.status_code == 200, refreshed.text
    assert flow.call(refreshed.json()["access_token"]).status_code == 200


@pytest.mark.parametrize(
    ("resources", "description"),
    [
        ([OTHER], "unknown resource"),
        ([""], "unknown resource"),
        (["{base}/mcp", "{base}/mcp"], "at most one resource may be named (RFC 8707)"),
        (["{base}/mcp", OTHER], "at most one resource may be named (RFC 8707)"),
    ],
)
def test_a_wrong_resource_at_authorize_is_invalid_target(live, browser, resources, description):
    flow = Flow(live.url, browser)
    url = flow.authorize_url(resource=None) + "".join(
        "&" + urlencode({"resource": r.format(base=live.url)}) for r in resources
    )
    response = browser.http.get(url)
    assert response.status_code == 302
    assert response.headers["location"].startswith(CALLBACK + "?")
    assert query(response.headers["location"]) == {
        "error": ["invalid_target"],
        "error_description": [description],
        "state": [flow.state],
        "iss": [live.url],
    }


@pytest.mark.parametrize("resource", [OTHER, "", "https://other.example.com", "not a url"])
def test_a_wrong_resource_at_token_and_refresh_is_invalid_target(live, browser, app, resource):
    flow = Flow(live.url, browser)
    assert refused(flow.token(flow.code(), resource=resource)) == NOT_THE_GRANT
    tokens = flow.tokens()
    assert refused(flow.refresh(tokens["refresh_token"], resource=resource)) == NOT_THE_GRANT
    with app.app_context():  # the refused refresh did not rotate the token
        token = db.session.scalar(
            db.select(OAuthToken).filter_by(token_hash=hash_token(tokens["refresh_token"]))
        )
        assert token.rotated_at is None and token.revoked_at is None


def test_several_resources_at_token_and_refresh_are_invalid_target(live, browser):
    flow = Flow(live.url, browser)
    both = [flow.resource, flow.resource]
    code = flow.code()
    token = flow.http.post(
        "/oauth/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": flow.redirect_uri,
              "code_verifier": flow.verifier, "resource": both, **flow.auth()},
    )  # fmt: skip
    assert refused(token) == SEVERAL
    tokens = flow.tokens()
    again = flow.http.post(
        "/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"],
              "resource": both, **flow.auth()},
    )  # fmt: skip
    assert refused(again) == SEVERAL
