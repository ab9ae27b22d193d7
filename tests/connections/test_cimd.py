"""Client ID Metadata Documents: a client whose id is its document's URL, fetched safely."""

from __future__ import annotations

import json
import socket
import time

import pytest

from portal.connections import cimd, service
from tests.connections.oauth_flow import CALLBACK, Flow
from tests.connections.support import error_page, query


def test_metadata_document_client_completes_the_flow(live, browser, documents):
    url = documents.base + "/clients/assistant.json"
    documents.add(
        "/clients/assistant.json",
        {
            "client_id": url,
            "client_name": "Document assistant",
            "redirect_uris": [CALLBACK],
            "grant_types": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_method": "none",
        },
    )
    flow = Flow(live.url, browser)
    flow.client_id, flow.client = url, {"client_id": url}
    tokens = flow.tokens()
    assert "Document assistant" in browser.pages[-1] and url in browser.pages[-1]
    assert flow.call(tokens["access_token"]).json()["client_id"] == url
    assert flow.refresh(tokens["refresh_token"]).status_code == 200


def refusal(browser, flow, url: str) -> str:
    """The description of the error page /oauth/authorize shows for client `url`, checked
    against the token endpoint's JSON answer for the same client."""
    flow.client_id = url
    error, description = error_page(browser.http.get(flow.authorize_url()))
    assert error == "invalid_client"
    token = flow.http.post(
        "/oauth/token", data={"grant_type": "authorization_code", "code": "c", "client_id": url}
    )
    assert token.status_code == 401
    assert token.json() == {"error": "invalid_client", "error_description": description}
    return description


DOC = "client metadata document"
NESTED = json.loads('{"x": ' * 20 + "1" + "}" * 20)  # deeper than any metadata needs


@pytest.mark.parametrize(
    ("document", "status", "description"),
    [
        (
            {"client_id": "https://someone.else/doc.json", "redirect_uris": [CALLBACK]},
            200,
            f"{DOC} names a different client_id",
        ),
        (
            {
                "client_id": "SELF",
                "redirect_uris": [CALLBACK],
                "token_endpoint_auth_method": "client_secret_post",
            },
            200,
            "metadata-document clients must be public (auth method none)",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "token_endpoint_auth_method": {}},
            200,
            "metadata-document clients must be public (auth method none)",
        ),
        (
            {"client_id": "SELF", "redirect_uris": ["http://evil.example.com/cb"]},
            200,
            f"{DOC}: redirect_uri must use https (or http on a loopback address)",
        ),
        ({"client_id": "SELF", "redirect_uris": [CALLBACK]}, 302, f"{DOC} answered HTTP 302"),
        ({"client_id": "SELF", "redirect_uris": [CALLBACK]}, 404, f"{DOC} answered HTTP 404"),
        (b"not json", 200, f"{DOC} is not JSON"),
        (b'{"client_id": "SELF", "redirect_uris": [', 200, f"{DOC} is not JSON"),
        (b"\xff\xfe\x00{", 200, f"{DOC} is not JSON"),
        (b'{"n": ' + b"9" * 5000 + b"}", 200, f"{DOC} is not JSON"),  # past int's digit limit
        (b"[1, 2]", 200, f"{DOC} is not a JSON object"),
        (b'"a string"', 200, f"{DOC} is not a JSON object"),
        (b"null", 200, f"{DOC} is not a JSON object"),
        (b"{" + b" " * (cimd.MAX_BYTES + 10) + b"}", 200, f"{DOC} is larger than 65536 bytes"),
        (b"[" * 100_000, 200, f"{DOC} is larger than 65536 bytes"),
        (b"[" * 60_000, 200, f"{DOC} is nested too deeply"),
        (b'{"a":' * 12_000, 200, f"{DOC} is nested too deeply"),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "software": NESTED},
            200,
            f"{DOC}: software is nested too deeply",
        ),
        (
            {"client_id": "SELF", "redirect_uris": CALLBACK},
            200,
            f"{DOC}: redirect_uris must list 1 to 10 URLs",
        ),
        (
            {"client_id": "SELF", "redirect_uris": None},
            200,
            f"{DOC}: redirect_uris must list 1 to 10 URLs",
        ),
        (
            {"client_id": "SELF", "redirect_uris": {"a": CALLBACK}},
            200,
            f"{DOC}: redirect_uris must list 1 to 10 URLs",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [1, 2]},
            200,
            f"{DOC}: redirect_uri must be an absolute URL of at most 2000 characters",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [None]},
            200,
            f"{DOC}: redirect_uri must be an absolute URL of at most 2000 characters",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "client_name": {"a": 1}},
            200,
            f"{DOC}: client_name must be a string of at most 200",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "client_name": 12},
            200,
            f"{DOC}: client_name must be a string of at most 200",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "grant_types": [["a"]]},
            200,
            f"{DOC}: grant_types must be a list of strings",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "grant_types": "refresh_token"},
            200,
            f"{DOC}: grant_types must be a list of strings",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "response_types": [{}]},
            200,
            f"{DOC}: response_types must be a list of strings",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "scope": ["mcp:read"]},
            200,
            f"{DOC}: scope must be a string of at most 500",
        ),
        (
            {"client_id": "SELF", "redirect_uris": [CALLBACK], "client_name": "a\x00b"},
            200,
            f"{DOC}: client_name contains a control character",
        ),
        (
            b'{"client_id": "SELF", "redirect_uris": ["CB"], "client_name": "\\ud800"}',
            200,
            f"{DOC}: client_name is not valid Unicode (an unpaired surrogate)",
        ),
    ],
)
def test_hostile_documents_get_a_named_invalid_client(
    live, browser, documents, document, status, description
):
    url = documents.base + "/bad.json"
    if isinstance(document, dict) and document["client_id"] == "SELF":
        document["client_id"] = url
    if isinstance(document, bytes):
        document = document.replace(b"SELF", url.encode()).replace(
            b'"CB"', f'"{CALLBACK}"'.encode()
        )
    documents.add("/bad.json", document, status)
    assert refusal(browser, Flow(live.url, browser), url) == description


@pytest.mark.parametrize(
    "start",
    [
        b"H",  # the status line and headers arrive a byte at a time
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 9999\r\n\r\n{",
    ],
)
def test_a_slow_server_costs_one_deadline(live, browser, documents, start):
    live.app.config["CIMD_FETCH_TIMEOUT"] = 1.0
    documents.trickle["/slow.json"] = start
    flow = Flow(live.url, browser)
    began = time.monotonic()
    page = browser.http.get(flow.authorize_url(client_id=documents.base + "/slow.json"))
    assert time.monotonic() - began < 4  # the 1 s deadline, and a generous margin
    assert page.status_code == 400
    assert refusal(browser, flow, documents.base + "/slow.json") == (
        f"{DOC} did not arrive within 1 s"
    )
    flow.client_id = flow.client["client_id"]
    assert flow.tokens()["access_token"]  # the server is free for the next request


def test_a_slow_resolver_is_inside_the_deadline(monkeypatch):
    """The DNS lookup counts against the one deadline too: a resolver that answers after 3 s
    cannot hold the request past a 0.5 s deadline."""
    resolve = socket.getaddrinfo

    def slow_resolver(*args, **kwargs):
        time.sleep(3)
        return resolve("127.0.0.1", 443, type=socket.SOCK_STREAM)

    monkeypatch.setattr(socket, "getaddrinfo", slow_resolver)
    began = time.monotonic()
    with pytest.raises(cimd.MetadataDocumentError) as refused:
        cimd.fetch("https://client.example/metadata.json", timeout=0.5)
    assert time.monotonic() - began < 2.5  # the 0.5 s deadline, and a generous margin
    assert str(refused.value) == "client_id host did not resolve within 0.5 s"


def test_cimd_fetch_timeout_is_read_from_the_environment(env_app, documents):
    application = env_app(CIMD_FETCH_TIMEOUT="0.5")
    application.config["OAUTH_CIMD_ALLOW_PRIVATE"] = True  # the fixture server is on loopback
    documents.trickle["/slow-env.json"] = b"H"
    with application.app_context(), pytest.raises(service.OAuthError) as refused:
        service.find_client(documents.base + "/slow-env.json")
    assert refused.value.description == f"{DOC} did not arrive within 0.5 s"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/client.json",  # not https
        "https://127.0.0.1/client.json",  # loopback
        "https://localhost/client.json",
        "https://10.1.2.3/client.json",  # private
        "https://169.254.169.254/latest/meta-data",  # link-local (cloud metadata)
        "https://[::1]/client.json",
        "https://[::ffff:127.0.0.1]/client.json",
        "https://0.0.0.0/client.json",
        "https://example.com/",  # no path
        "https://user:pw@example.com/client.json",
        "https://example.com/client.json#x",
        "https://exa mple.com/client.json",
    ],
)
def test_ssrf_rules_refuse_before_any_request(url):
    with pytest.raises(cimd.MetadataDocumentError):
        cimd.check_url(url)


def test_claimed_redirect_uri_must_be_in_the_document(live, browser, documents):
    url = documents.add("/c.json", {"client_id": "", "redirect_uris": []})
    documents.add("/c.json", {"client_id": url, "client_name": "Doc", "redirect_uris": [CALLBACK]})
    flow = Flow(live.url, browser)
    flow.client_id = url
    response = browser.http.get(flow.authorize_url(redirect_uri="https://evil.example.com/cb"))
    assert response.status_code == 400
    ok = browser.http.get(flow.authorize_url(resource="https://other.example.com/mcp"))
    assert query(ok.headers["location"])["error"] == ["invalid_target"]
