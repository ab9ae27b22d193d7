"""Being found and listed: the server card at <mcp-url>/server-card and the AI Catalog that points
to it, every tool's title, icon and annotations, and the privacy policy and terms pages."""

from __future__ import annotations

import pytest

from portal.mcp.registry import registry
from tests.conftest import make_app

BASE = "https://gp.example.nhs.uk"
ICON = {"src": BASE + "/static/icons/haresign.svg", "mimeType": "image/svg+xml", "sizes": ["any"]}
ANNOTATIONS = {"readOnlyHint": True, "destructiveHint": False, "openWorldHint": False}


@pytest.fixture
def public(scratch_url):
    """The app as deployed at BASE, asked for by a client that sends a forged Host."""
    app = make_app(scratch_url, PUBLIC_BASE_URL=BASE)
    return app.test_client(), {"Host": "evil.example"}


def test_the_server_card(public):
    client, forged = public
    response = client.get("/mcp/server-card", headers=forged)
    assert response.status_code == 200
    assert response.mimetype == "application/mcp-server-card+json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    card = response.get_json()
    meta = card.pop("_meta")
    assert card == {
        "$schema": "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json",
        "name": "uk.nhs.example.gp/haresign",
        "version": "0.1.0",
        "title": "Haresign GP practice figures",
        "description": (
            "NHS figures for every GP practice in England: patients, appointments, staff, QOF."
        ),
        "websiteUrl": BASE + "/",
        "icons": [ICON],
        "remotes": [
            {
                "type": "streamable-http",
                "url": BASE + "/mcp/",
                "supportedProtocolVersions": [
                    "2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"
                ],
                "headers": [
                    {
                        "name": "Authorization",
                        "description": "An OAuth 2.1 bearer token from this site's "
                        "authorisation server: the client signs the user in and asks for "
                        "read-only access.",
                        "isRequired": True,
                        "isSecret": True,
                    }
                ],
            }
        ],
    }  # fmt: skip
    assert len(card["description"]) <= 100
    assert meta["uk.nhs.example.gp/auth"] == {
        "type": "oauth2",
        "protectedResourceMetadata": BASE + "/.well-known/oauth-protected-resource/mcp",
        "authorizationServerMetadata": BASE + "/.well-known/oauth-authorization-server",
        "scopes": ["mcp:read"],
    }
    assert meta["uk.nhs.example.gp/policies"] == {
        "privacyPolicyUrl": BASE + "/docs/privacy",
        "termsOfServiceUrl": BASE + "/docs/terms",
        "aboutUrl": BASE + "/mcp/about/",
    }
    tools = meta["uk.nhs.example.gp/tools"]
    assert [t["name"] for t in tools] == registry.names()
    for tool in tools:
        assert tool["title"] and tool["description"] and "\n" not in tool["description"]
        assert tool["annotations"].items() >= ANNOTATIONS.items()


def test_the_card_revalidates_by_etag(public):
    client, _ = public
    first = client.get("/mcp/server-card")
    again = client.get("/mcp/server-card", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["/.well-known/mcp/catalog.json", "/.well-known/ai-catalog.json"])
def test_the_catalog_points_to_the_card(public, path):
    client, forged = public
    response = client.get(path, headers=forged)
    assert response.status_code == 200
    assert response.mimetype == "application/ai-catalog+json"
    assert response.get_json() == {
        "specVersion": "1.0",
        "entries": [
            {
                "identifier": "urn:air:gp.example.nhs.uk:mcp:haresign",
                "type": "application/mcp-server-card+json",
                "url": BASE + "/mcp/server-card",
            }
        ],
    }


def test_every_tool_has_a_title_an_icon_and_every_annotation(public):
    client, _ = public
    with client.application.app_context():
        described = [spec.describe() for spec in registry.all()]
    assert described
    for tool in described:
        assert tool["title"] and tool["annotations"]["title"] == tool["title"]
        assert tool["icons"] == [ICON]
        assert tool["annotations"] == {
            "title": tool["title"],
            "readOnlyHint": True,
            "destructiveHint": False,
            "idempotentHint": True,
            "openWorldHint": False,
        }
    icon = client.get("/static/icons/haresign.svg")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


@pytest.mark.parametrize(
    ("path", "title"), [("/docs/privacy", "Privacy policy"), ("/docs/terms", "Terms of use")]
)
def test_privacy_and_terms_pages(client, path, title):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{title}</h1>" in html
    assert f'href="{path}"' in client.get("/docs/").get_data(as_text=True)


def test_ai_connections_links_the_policies(client):
    html = client.get("/mcp/about/").get_data(as_text=True)
    assert '<a href="/docs/privacy" id="privacy-link">privacy policy</a>' in html
    assert '<a href="/docs/terms" id="terms-link">terms of use</a>' in html
