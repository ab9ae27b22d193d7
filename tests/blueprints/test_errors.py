"""Bad requests on the pages are clear 400 pages, and the 500 handler survives a failed transaction
on every surface (the page, /api/v1 and /mcp each answer in their own format)."""

from __future__ import annotations

import contextlib

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent
from tests.conftest import make_app

CHARS = ["%00", "%01", "%08", "%0B", "%1B", "%1F", "%7F", "%0A", "%09"]


def _message(where: str) -> str:
    return (
        f"Control characters (such as NUL) are not allowed here ({where}). "
        "Check what you typed or pasted and try again."
    )


@pytest.mark.parametrize("char", CHARS)
@pytest.mark.parametrize(
    ("address", "where"),
    [
        ("/search?q=dens{c}ham", "q"),
        ("/search/suggest?q={c}", "q"),
        ("/compare?practices=A81001{c}", "practices"),
        ("/national/list_size?period=2025-12{c}", "period"),
        ("/practices/A81{c}01", "the address"),
        ("/practices/A81001/appointments{c}", "the address"),
        ("/search?a{c}=1", "parameter names"),
    ],
)
def test_control_characters_in_an_address_are_a_400_page(app, char, address, where):
    response = app.test_client().get(address.replace("{c}", char))
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Bad request" in html
    assert _message(where) in html


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x0b", "\x1b", "\x7f"])
def test_control_characters_in_a_form_field_are_a_400_page(scratch_url, char):
    app = make_app(scratch_url, WTF_CSRF_ENABLED=False)
    client = app.test_client()
    response = client.post("/account/sign-in", data={"email": f"a{char}@example.org"})
    assert response.status_code == 400
    assert _message("email") in response.get_data(as_text=True)


def test_tab_and_line_breaks_in_a_form_field_reach_the_form(scratch_url):
    app = make_app(scratch_url, WTF_CSRF_ENABLED=False)
    response = app.test_client().post(
        "/account/sign-in", data={"email": "nobody@example.org", "password": "a\tb\r\nc"}
    )
    assert response.status_code == 401
    assert "The email address or password is not correct." in response.get_data(as_text=True)


def test_the_oauth_server_answers_its_own_requests(app):
    response = app.test_client().get("/.well-known/oauth-authorization-server?x=%00")
    assert response.status_code == 200
    assert response.get_json()["issuer"]


def _fail_after_a_failed_query():
    """A view whose query failed (PostgreSQL then refuses every statement until a rollback)."""
    with contextlib.suppress(sa.exc.DBAPIError):
        db.session.execute(sa.text("SELECT no_such_column FROM no_such_table"))
    raise RuntimeError("a bug after a failed query")


@pytest.fixture
def failing_app(app):
    for path in ("/test-failure", "/api/v1/test-failure", "/mcp/test-failure"):
        app.add_url_rule(path, path, _fail_after_a_failed_query)
    return app


def test_the_500_page_renders_after_a_failed_transaction(failing_app):
    client = failing_app.test_client()
    response = client.get("/test-failure")
    assert response.status_code == 500
    assert "Something went wrong on our side. Try again later." in response.get_data(as_text=True)
    assert client.get("/health").get_json() == {"status": "ok"}


def test_the_api_and_mcp_answer_a_500_in_json_after_a_failed_transaction(failing_app):
    client = failing_app.test_client()
    api = client.get("/api/v1/test-failure")
    assert api.status_code == 500
    assert api.get_json() == {
        "status": 500,
        "message": "Something went wrong on our side.",
        "parameter": None,
    }
    mcp = client.get("/mcp/test-failure")
    assert mcp.status_code == 500
    assert mcp.get_json() == {
        "jsonrpc": "2.0",
        "id": None,
        "error": {"code": -32603, "message": "Internal error"},
    }
    assert client.get("/health").get_json() == {"status": "ok"}
    with failing_app.app_context():
        rows = db.session.execute(
            sa.select(
                AuditEvent.surface, AuditEvent.method, AuditEvent.outcome, AuditEvent.status
            ).order_by(AuditEvent.id)
        ).all()
    assert [tuple(r) for r in rows] == [
        ("api", "GET (unknown)", "error", 500),
        ("mcp", "(none)", "error", 500),
    ]
