"""The consent screen links the privacy policy and the terms of use, as the assistants'
connector directories ask (with the AI Connections page and the server card: tests/mcp/test_card.py)."""

from __future__ import annotations

import httpx

from tests.connections.oauth_flow import Flow


def test_consent_screen_links_the_policies(live, browser):
    Flow(live.url, browser).code()
    consent = next(page for page in browser.pages if 'id="redirect-host"' in page)
    for path, label, link_id in [
        ("/docs/privacy", "privacy policy", "privacy-link"),
        ("/docs/terms", "terms of use", "terms-link"),
    ]:
        assert f'<a href="{path}" id="{link_id}">{label}</a>' in consent
        assert httpx.get(live.url + path).status_code == 200
