"""Addresses shown on pages come from PUBLIC_BASE_URL, never from the request's Host header."""

import pytest

from tests.conftest import make_app

PUBLIC = "https://haresign.example"


@pytest.fixture
def public_app(scratch_url):
    return make_app(scratch_url, PUBLIC_BASE_URL=PUBLIC)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/docs/tools", f"{PUBLIC}/mcp/"),
        ("/api/", f"{PUBLIC}/api/v1/practices/A81001/registered-patients"),
        ("/mcp/about/", f"{PUBLIC}/mcp/"),
    ],
)
@pytest.mark.parametrize("header", ["Host", "X-Forwarded-Host"])
def test_a_foreign_host_changes_no_address_on_a_page(public_app, path, shown, header):
    response = public_app.test_client().get(path, headers={header: "evil.example"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert shown in body
    assert "evil.example" not in body
