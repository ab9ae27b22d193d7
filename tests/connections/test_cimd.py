"""Client ID Metadata Documents: a client whose id is its document's URL, fetched safely."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.connections import cimd
from tests.connections.oauth_flow import CALLBACK, Flow
from tests.connections.support import free_port, query


class DocumentServer:
    """Serves metadata documents on loopback (allowed only because tests set allow_private)."""

    def __init__(self):
        self.documents: dict[str, tuple[int, bytes]] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                status, body = owner.documents.get(self.path, (404, b"{}"))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, document: dict | bytes, status: int = 200) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.documents[path] = (status, body)
        return self.base + path

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def documents():
    server = DocumentServer()
    yield server
    server.close()


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


@pytest.mark.parametrize(
    ("document", "status"),
    [
        ({"client_id": "https://someone.else/doc.json", "redirect_uris": [CALLBACK]}, 200),
        (
            {
                "client_id": "SELF",
                "redirect_uris": [CALLBACK],
                "token_endpoint_auth_method": "client_secret_post",
            },
            200,
        ),
        ({"client_id": "SELF", "redirect_uris": ["http://evil.example.com/cb"]}, 200),
        ({"client_id": "SELF", "redirect_uris": [CALLBACK]}, 302),
        ({"client_id": "SELF", "redirect_uris": [CALLBACK]}, 404),
        (b"not json", 200),
        (b"{" + b" " * (cimd.MAX_BYTES + 10) + b"}", 200),
    ],
)
def test_unusable_documents_mean_an_unknown_client(live, browser, documents, document, status):
    url = documents.base + "/bad.json"
    if isinstance(document, dict) and document["client_id"] == "SELF":
        document["client_id"] = url
    documents.add("/bad.json", document, status)
    flow = Flow(live.url, browser)
    flow.client_id = url
    response = browser.http.get(flow.authorize_url())
    assert response.status_code == 400 and "location" not in response.headers
    assert "unknown client" in response.text


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
    ok = browser.http.get(flow.authorize_url(resource=None))
    assert query(ok.headers["location"])["error"] == ["invalid_target"]
