"""Fixtures for the OAuth tests: a live app over loopback HTTP and a signed-up user."""

from __future__ import annotations

import pytest

from portal.accounts import create_user
from tests.connections.support import (
    PASSWORD,
    Browser,
    DocumentServer,
    LiveServer,
    add_protected_route,
)

EMAIL = "gp.manager@example.org"


@pytest.fixture
def live(app):
    app.config["OAUTH_CIMD_ALLOW_PRIVATE"] = True  # a loopback fixture serves metadata documents
    add_protected_route(app)
    with app.app_context():
        create_user(EMAIL, PASSWORD)
        create_user("admin@example.org", PASSWORD, admin=True)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def browser():
    person = Browser(EMAIL)
    yield person
    person.close()


@pytest.fixture
def documents():
    """Client ID Metadata Documents served on loopback."""
    server = DocumentServer()
    yield server
    server.close()
