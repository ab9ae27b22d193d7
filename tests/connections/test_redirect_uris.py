"""Redirect URIs and metadata URLs: every unsafe shape is refused with its named error at
registration (RFC 7591), at /oauth/authorize (an error page, never a redirect) and in Client
ID Metadata Documents; loopback redirects may change port (RFC 8252 7.3) and only that; a
native app's private-use scheme (RFC 8252 7.1) serves public clients only, matched exactly."""

from __future__ import annotations

import httpx
import pytest

from tests.connections.oauth_flow import CALLBACK, Flow
from tests.connections.support import error_page, query

PORT = "redirect_uri has an invalid port (1-65535)"
CREDENTIALS = "redirect_uri must not contain a user name or password"
FRAGMENT = "redirect_uri must not contain a fragment"
NO_HOST = "redirect_uri must be an absolute URL with a host"
SCHEME = "redirect_uri must use https (or http on a loopback address)"
SPACES = "redirect_uri must not contain spaces or control characters"

BAD_REDIRECTS = [
    ("http://127.0.0.1:0/callback", PORT),
    ("http://127.0.0.1:65536/callback", PORT),
    ("http://127.0.0.1:99999999/callback", PORT),
    ("http://127.0.0.1:abc/callback", PORT),
    ("http://127.0.0.1:-1/callback", PORT),
    ("http://[::1]:65536/callback", PORT),
    ("https://app.example.com:0/cb", PORT),
    ("https://user:pw@app.example.com/cb", CREDENTIALS),
    ("http://user@127.0.0.1:5647/callback", CREDENTIALS),
    ("https://app.example.com/cb#frag", FRAGMENT),
    ("https://app.example.com/cb#", FRAGMENT),
    ("http://127.0.0.1:5647/callback#x", FRAGMENT),
    ("javascript:alert(1)", NO_HOST),
    ("JavaScript:alert(1)", NO_HOST),
    ("javascript://127.0.0.1/%0aalert(1)", SCHEME),
    ("data:text/html,<script>alert(1)</script>", NO_HOST),
    ("file:///etc/passwd", NO_HOST),
    ("file://127.0.0.1/etc/passwd", SCHEME),
    ("vbscript:msgbox(1)", NO_HOST),
    ("about:blank", NO_HOST),
    ("blob:https://app.example.com/x", NO_HOST),
    ("http://evil.example.com/cb", SCHEME),
    ("ftp://app.example.com/cb", SCHEME),
    ("ws://127.0.0.1:5647/cb", SCHEME),
    ("view-source:https://app.example.com/cb", NO_HOST),
    ("/callback", NO_HOST),
    ("https://app.example.com/c b", SPACES),
]


def register(base: str, body: dict) -> httpx.Response:
    return httpx.post(base + "/oauth/register", json=body)


@pytest.mark.parametrize(("uri", "description"), BAD_REDIRECTS)
def test_refused_at_registration_at_authorize_and_in_documents(
    live, browser, documents, uri, description
):
    for method in ("client_secret_basic", "none"):  # confidential and public clients alike
        registration = register(
            live.url, {"redirect_uris": [CALLBACK, uri], "token_endpoint_auth_method": method}
        )
        assert registration.status_code == 400
        assert registration.headers["cache-control"] == "no-store"
        assert registration.json() == {
            "error": "invalid_redirect_uri",
            "error_description": description,
        }
    flow = Flow(
        live.url,
        browser,
        redirect_uris=["http://127.0.0.1/callback", "https://app.example.com/cb", CALLBACK],
    )
    page = httpx.get(flow.authorize_url(redirect_uri=uri))  # an error page, never a redirect
    assert error_page(page) == ("invalid_request", description)
    url = documents.base + "/client.json"
    documents.add("/client.json", {"client_id": url, "redirect_uris": [CALLBACK, uri]})
    page = httpx.get(flow.authorize_url(client_id=url))
    assert error_page(page) == ("invalid_client", f"client metadata document: {description}")


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example.com/cb/",
        "https://APP.example.com/cb",
        "https://app.example.com/cb?x=1",
        "https://app.example.com:8443/cb",
        "https://app.example.com/CB",
        "http://localhost:5647/callback",  # another loopback name is another redirect
        "http://127.0.0.1:5647/callback/",
        "http://127.0.0.1:5647/callback?x=1",
    ],
)
def test_matching_is_exact(live, browser, uri):
    flow = Flow(live.url, browser, redirect_uris=["https://app.example.com/cb", CALLBACK])
    response = httpx.get(flow.authorize_url(redirect_uri=uri))
    assert error_page(response) == (
        "invalid_request",
        "redirect_uri does not match a registered one",
    )


@pytest.mark.parametrize(
    ("registered", "given"),
    [
        ("http://127.0.0.1/callback", "http://127.0.0.1:1/callback"),
        ("http://127.0.0.1/callback", "http://127.0.0.1:65535/callback"),
        ("http://127.0.0.1:5000/callback", "http://127.0.0.1:5647/callback"),
        ("http://[::1]:8080/callback", "http://[::1]:49152/callback"),
        ("http://localhost/callback", "http://localhost:33418/callback"),
    ],
)
def test_loopback_redirects_may_use_any_valid_port(live, browser, registered, given):
    flow = Flow(live.url, browser, redirect_uris=[registered])
    response = httpx.get(
        flow.authorize_url(redirect_uri=given, resource="https://other.example.com/mcp")
    )
    assert response.status_code == 302
    assert response.headers["location"].startswith(given + "?")
    assert query(response.headers["location"])["error"] == ["invalid_target"]


LINKS = ("client_uri", "logo_uri", "policy_uri", "tos_uri")
BAD_LINKS = [
    ("http://app.example.com/", "{} must use https"),
    ("javascript:alert(1)", "{} must be an absolute URL with a host"),
    ("data:image/png;base64,AAAA", "{} must be an absolute URL with a host"),
    ("https://user:pw@app.example.com/", "{} must not contain a user name or password"),
    ("https://app.example.com:99999/", "{} has an invalid port (1-65535)"),
    (7, "{} must be an absolute URL of at most 2000 characters"),
    (["https://app.example.com/"], "{} must be an absolute URL of at most 2000 characters"),
]


@pytest.mark.parametrize("link", LINKS)
@pytest.mark.parametrize(("value", "description"), BAD_LINKS)
def test_metadata_links_must_be_https(live, browser, documents, link, value, description):
    response = register(live.url, {"redirect_uris": [CALLBACK], link: value})
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_client_metadata",
        "error_description": description.format(link),
    }
    url = documents.base + "/client.json"
    documents.add("/client.json", {"client_id": url, "redirect_uris": [CALLBACK], link: value})
    page = httpx.get(Flow(live.url, browser).authorize_url(client_id=url))
    assert error_page(page) == (
        "invalid_client",
        f"client metadata document: {description.format(link)}",
    )


def test_https_metadata_links_are_accepted(live):
    links = {link: f"https://app.example.com/{link}" for link in LINKS}
    response = register(live.url, {"redirect_uris": [CALLBACK], **links})
    assert response.status_code == 201, response.text
    assert response.json()["client_uri"] == "https://app.example.com/client_uri"


# --- native apps: private-use URI schemes (RFC 8252 7.1) -------------------------------------

NATIVE = [
    "cursor://anysphere.cursor-mcp/oauth/callback",
    "vscode://vscode.github-authentication/did-authenticate",
    "com.example.app:/oauth2redirect",
]
SHOWN_ON_CONSENT = ["cursor://anysphere.cursor-mcp", "vscode://vscode.github-authentication",
                    "com.example.app:"]  # fmt: skip
PUBLIC_ONLY = (
    "a private-use URI scheme redirect_uri is only for public clients "
    "(token_endpoint_auth_method none)"
)


@pytest.mark.parametrize(("uri", "shown"), list(zip(NATIVE, SHOWN_ON_CONSENT, strict=True)))
def test_private_use_scheme_works_for_a_public_client(live, browser, uri, shown):
    flow = Flow(live.url, browser, redirect_uri=uri)  # registers with method none
    assert flow.client["redirect_uris"] == [uri]
    code = flow.code()  # the redirect carries code, state and iss to the app's own scheme
    assert f'id="redirect-host">{shown}</dd>' in browser.pages[-1]
    tokens = flow.token(code)
    assert tokens.status_code == 200, tokens.text
    assert flow.call(tokens.json()["access_token"]).status_code == 200


@pytest.mark.parametrize("uri", NATIVE)
@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_private_use_scheme_is_refused_for_a_confidential_client(live, browser, uri, method):
    registration = register(
        live.url, {"redirect_uris": [uri], "token_endpoint_auth_method": method}
    )
    assert registration.status_code == 400
    assert registration.json() == {
        "error": "invalid_redirect_uri",
        "error_description": PUBLIC_ONLY,
    }
    flow = Flow(live.url, browser, token_endpoint_auth_method=method)
    assert error_page(httpx.get(flow.authorize_url(redirect_uri=uri))) == (
        "invalid_request",
        PUBLIC_ONLY,
    )


@pytest.mark.parametrize(
    "given",
    [
        "cursor://anysphere.cursor-mcp/oauth/callbacK",
        "cursor://anysphere.cursor-mcp/oauth/callbac",
        "cursor://anysphere.cursor-mcp/oauth/callback/",
        "cursor://anysphere.cursor-mcq/oauth/callback",
        "cursor://anysphere.cursor-mcp/oauth/callback?x=1",
        "cursor://anysphere.cursor-mcp:1/oauth/callback",
        "Cursor://anysphere.cursor-mcp/oauth/callback",
        "cursoR://anysphere.cursor-mcp/oauth/callback",
        "evil://anysphere.cursor-mcp/oauth/callback",
    ],
)
def test_private_use_scheme_is_matched_exactly(live, browser, given):
    flow = Flow(live.url, browser, redirect_uri=NATIVE[0])
    assert error_page(httpx.get(flow.authorize_url(redirect_uri=given))) == (
        "invalid_request",
        "redirect_uri does not match a registered one",
    )


@pytest.mark.parametrize(
    ("uri", "description"),
    [
        ("myapp:", "redirect_uri must name a path after its scheme"),
        ("myapp:/", "redirect_uri must name a path after its scheme"),
        ("myapp://user@host/cb", CREDENTIALS),
        ("myapp://host/cb#x", FRAGMENT),
        ("myapp://host/c b", SPACES),
        ("myapp:/" + "a" * 2000, "redirect_uri must be at most 2000 characters"),
    ],
)
def test_bad_private_use_redirects_are_refused(live, browser, uri, description):
    registration = register(
        live.url, {"redirect_uris": [uri], "token_endpoint_auth_method": "none"}
    )
    assert registration.status_code == 400
    assert registration.json() == {
        "error": "invalid_redirect_uri",
        "error_description": description,
    }
