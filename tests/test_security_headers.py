"""Security headers on every surface (pages, errors, API, MCP, OAuth, static files), and
templates the Content-Security-Policy lets through: no inline script, handler or style."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
SURFACES = [  # (method, path, status): one of each kind of response
    ("GET", "/", 200),
    ("GET", "/account/sign-in", 200),
    ("GET", "/no-such-page", 404),
    ("POST", "/", 405),
    ("GET", "/health", 200),
    ("GET", "/static/css/portal.css", 200),
    ("GET", "/static/js/js-enabled.js", 200),
    ("GET", "/api/v1/metrics", 401),
    ("GET", "/api/v1/openapi.json", 200),
    ("POST", "/mcp/", 401),
    ("GET", "/.well-known/oauth-authorization-server", 200),
    ("POST", "/oauth/token", 400),
]


@pytest.mark.parametrize("method, path, status", SURFACES)
def test_every_surface_sends_the_security_headers(app, method, path, status):
    response = app.test_client().open(path, method=method)
    assert response.status_code == status
    headers = response.headers
    assert headers["Content-Security-Policy"] == POLICY + "; form-action 'self'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # production only (tests/test_settings.py)


def test_consent_page_may_send_its_answer_to_the_assistant(app):
    """Browsers apply form-action to the redirect after the consent form's POST, and that
    redirect goes to the assistant's own redirect URI."""
    response = app.test_client().get("/oauth/authorize?client_id=nobody")
    assert response.headers["Content-Security-Policy"] == POLICY
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/account/verify/abc", "/account/reset-password/abc"])
def test_pages_with_a_secret_in_the_address_send_no_referrer_off_site(app, path):
    response = app.test_client().get(path)
    assert response.headers["Referrer-Policy"] == "same-origin"


INLINE = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]+\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("kind", INLINE)
def test_templates_have_nothing_inline_the_policy_would_block(kind):
    """Every page template; not mail/, whose HTML is read by mail clients (inline styles are
    the only ones they keep) and never served under our Content-Security-Policy."""
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in sorted((ROOT / "portal" / "templates").rglob("*.html"))
        if "mail" not in path.relative_to(ROOT / "portal" / "templates").parts[:1]
        for text in [path.read_text()]
        for m in INLINE[kind].finditer(text)
    ]
    assert found == []
