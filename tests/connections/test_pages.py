"""The AI Connections page, the admin view and the cleanup of unused registrations."""

from __future__ import annotations

from datetime import timedelta

import httpx
from flask import url_for

from portal.clock import now
from portal.connections import service
from portal.extensions import db
from portal.models.oauth import Connection, OAuthClient
from tests.connections.oauth_flow import Flow
from tests.connections.support import PASSWORD, Browser, forms


def test_about_page_signed_out(live):
    page = httpx.get(live.url + "/mcp/about/")
    assert page.status_code == 200
    assert f'<code id="mcp-endpoint">{live.url}/mcp/</code>' in page.text
    assert "Claude" in page.text and "ChatGPT" in page.text
    assert "Sign in" in page.text and 'id="connections"' not in page.text


def test_connections_listed_and_revoked_for_own_account_only(live, browser, app):
    flow = Flow(live.url, browser, client_name="Claude")
    tokens = flow.tokens()
    flow.call(tokens["access_token"])
    page = browser.http.get(live.url + "/mcp/about/").text
    assert "Claude" in page and "Never" not in page  # last used is shown
    with app.app_context():
        connection_id = db.session.scalar(db.select(Connection.id))
    # a revoke without the CSRF token is refused
    assert (
        browser.http.post(f"{live.url}/mcp/about/connections/{connection_id}/revoke").status_code
        == 400
    )
    assert flow.call(tokens["access_token"]).status_code == 200
    revoke = [f for f in forms(page) if "/revoke" in f["action"]][0]
    assert browser.submit(live.url + "/mcp/about/", revoke).status_code == 302
    assert flow.call(tokens["access_token"]).status_code == 401
    assert 'id="no-connections"' in browser.http.get(live.url + "/mcp/about/").text


def test_admin_view_lists_everyone_and_is_hidden_from_others(live, browser, app):
    flow = Flow(live.url, browser, client_name="ChatGPT")
    flow.tokens()
    assert browser.http.get(live.url + "/mcp/about/all").status_code == 404
    assert httpx.get(live.url + "/mcp/about/all").status_code == 404
    with app.app_context():
        connection_id = db.session.scalar(db.select(Connection.id))
        assert service.revoke_connection(connection_id, user_id=-1) is False  # not theirs
    with app.test_request_context():
        sign_in = live.url + url_for("accounts.sign_in")
    admin = Browser("admin@example.org", PASSWORD)
    page = admin.http.get(sign_in).text
    login = [f for f in forms(page) if any(i.get("type") == "password" for i in f["inputs"])][0]
    assert admin.submit(sign_in, login).status_code == 302
    page = admin.http.get(live.url + "/mcp/about/all")
    assert (
        page.status_code == 200 and "gp.manager@example.org" in page.text and "ChatGPT" in page.text
    )
    revoke = [f for f in forms(page.text) if "/revoke" in f["action"]][0]
    assert admin.submit(live.url + "/mcp/about/all", revoke).status_code == 302
    assert "ChatGPT" not in admin.http.get(live.url + "/mcp/about/all").text
    admin.close()


def test_cleanup_removes_only_stale_registrations_without_a_grant(live, browser, app):
    granted = Flow(live.url, browser, client_name="Granted")
    granted.tokens()
    Flow(live.url, browser, client_name="Abandoned")
    fresh = Flow(live.url, browser, client_name="Fresh")
    with app.app_context():
        for client in db.session.scalars(db.select(OAuthClient)):
            if client.client_id != fresh.client_id:
                client.created_at = now() - timedelta(days=2)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["connections", "cleanup"])
    assert result.exit_code == 0, result.output
    assert "removed 1 unused client registrations" in result.output
    with app.app_context():
        names = sorted(db.session.scalars(db.select(OAuthClient.client_name)))
    assert names == ["Fresh", "Granted"]
