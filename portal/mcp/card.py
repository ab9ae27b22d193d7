"""How assistants' directories and clients find /mcp/ before connecting: the server card at
`<mcp-url>/server-card` and the AI Catalog pointing to it at /.well-known/mcp/catalog.json and
/.well-known/ai-catalog.json (the draft's name). Card format: the MCP Server Card draft
(modelcontextprotocol/experimental-ext-server-card, schema.ts and docs/discovery.md @8924e08);
what the card schema has no field for (OAuth, the tools, the policies) goes in its `_meta`.
Every URL comes from PUBLIC_BASE_URL, never the Host header; the card is public, read-only.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, request

from portal.connections.resource import MCP_PATH, SCOPES_SUPPORTED
from portal.links import public_base_url, public_url
from portal.mcp import methods
from portal.mcp.registry import icons, registry
from portal.mcp.transport import CARD_PATH
from portal.mcp.versions import EVERY_VERSION

bp = Blueprint("mcp_card", __name__)

CARD_TYPE = "application/mcp-server-card+json"
CATALOG_TYPE = "application/ai-catalog+json"
SCHEMA = "https://static.modelcontextprotocol.io/schemas/v1/server-card.schema.json"
DESCRIPTION = "NHS figures for every GP practice in England: patients, appointments, staff, QOF."
MAX_AGE = 3600  # seconds; the draft's suggested Cache-Control


def namespace() -> str:
    """The reverse-DNS namespace of this deployment, from PUBLIC_BASE_URL's host."""
    host = urlsplit(public_base_url()).hostname or "localhost"
    return ".".join(reversed(host.split(".")))


def card() -> dict[str, Any]:
    base, ns = public_base_url(), namespace()
    return {
        "$schema": SCHEMA,
        "name": f"{ns}/{methods.SERVER_NAME}",
        "version": methods.SERVER_VERSION,
        "title": methods.SERVER_TITLE,
        "description": DESCRIPTION,
        "websiteUrl": public_url("public.home"),
        "icons": icons(),
        "remotes": [
            {
                "type": "streamable-http",
                "url": base + MCP_PATH + "/",
                "supportedProtocolVersions": list(EVERY_VERSION),
                "headers": [
                    {
                        "name": "Authorization",
                        "description": "An OAuth 2.1 bearer token from this site's authorisation "
                        "server: the client signs the user in and asks for read-only access.",
                        "isRequired": True,
                        "isSecret": True,
                    }
                ],
            }
        ],
        "_meta": {
            f"{ns}/auth": {
                "type": "oauth2",
                "protectedResourceMetadata": base
                + "/.well-known/oauth-protected-resource"
                + MCP_PATH,
                "authorizationServerMetadata": base + "/.well-known/oauth-authorization-server",
                "scopes": list(SCOPES_SUPPORTED),
            },
            f"{ns}/tools": [_summary(spec.describe()) for spec in registry.all()],
            f"{ns}/policies": {
                "privacyPolicyUrl": public_url("docs.page", page="privacy"),
                "termsOfServiceUrl": public_url("docs.page", page="terms"),
                "aboutUrl": public_url("connections.about"),
            },
        },
    }


def _summary(tool: dict[str, Any]) -> dict[str, Any]:
    """A tool as the card lists it: its name, title, first line and annotations."""
    return {
        "name": tool["name"],
        "title": tool["title"],
        "description": tool["description"].split("\n", 1)[0],
        "annotations": tool["annotations"],
    }


def catalog() -> dict[str, Any]:
    return {
        "specVersion": "1.0",
        "entries": [
            {
                "identifier": f"urn:air:{urlsplit(public_base_url()).hostname}:mcp:"
                f"{methods.SERVER_NAME}",
                "type": CARD_TYPE,
                "url": public_base_url() + CARD_PATH,
            }
        ],
    }


@bp.get(CARD_PATH)
def server_card() -> Response:
    return _public_json(card(), CARD_TYPE)


@bp.get("/.well-known/mcp/catalog.json")
@bp.get("/.well-known/ai-catalog.json")
def ai_catalog() -> Response:
    return _public_json(catalog(), CATALOG_TYPE)


def _public_json(document: dict[str, Any], media_type: str) -> Response:
    """Public metadata any origin may read, cached for an hour, revalidated by ETag."""
    text = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    response = Response(text, mimetype=media_type)
    response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET"
    response.headers["Access-Control-Allow-Headers"] = "Content-Type, If-None-Match"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    response.add_etag()
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
