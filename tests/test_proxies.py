"""Behind a reverse proxy: with TRUSTED_PROXIES=n the client's address comes from the last n
X-Forwarded-For hops, so limits key on the real client; with 0 (the default) the header is
ignored, so a client cannot pick its own rate-limit bucket; X-Forwarded-Host is never believed."""

from __future__ import annotations

import pytest

from tests.accounts_support import post

WRONG = {"email": "nobody@example.org", "password": "wrong password"}


def _attempt(client, forwarded_for: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    return post(client, "/account/sign-in", WRONG, headers=headers).status_code


def test_trusted_proxy_gives_each_client_its_own_bucket(env_app):
    client = env_app(TRUSTED_PROXIES="1", SIGN_IN_RATE_LIMIT="2 per minute").test_client()
    first = [_attempt(client, "203.0.113.1") for _ in range(3)]
    assert first == [401, 401, 429]
    assert _attempt(client, "203.0.113.2") == 401  # another client behind the same proxy
    # only the proxy's own hop is believed: a client-supplied earlier hop changes nothing
    assert _attempt(client, "198.51.100.9, 203.0.113.1") == 429


@pytest.mark.parametrize("proxies", ["", "0"])
def test_without_trusted_proxies_forwarded_for_is_ignored(env_app, proxies):
    client = env_app(TRUSTED_PROXIES=proxies, SIGN_IN_RATE_LIMIT="2 per minute").test_client()
    spoofed = [_attempt(client, f"203.0.113.{n}") for n in range(1, 4)]
    assert spoofed == [401, 401, 429]


def test_forwarded_host_never_changes_the_issuer(env_app):
    client = env_app(TRUSTED_PROXIES="1", PUBLIC_BASE_URL="https://portal.example").test_client()
    metadata = client.get(
        "/.well-known/oauth-authorization-server",
        headers={"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"},
    ).get_json()
    assert metadata["issuer"] == "https://portal.example"
    assert metadata["authorization_endpoint"] == "https://portal.example/oauth/authorize"


@pytest.mark.parametrize(("proxies", "status"), [("1", 400), ("0", 401)])
def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(env_app, proxies, status):
    """Behind a TLS-terminating proxy the request is HTTPS, so CSRF's strict Referer check
    applies (a form posted from another site is refused); from an untrusted client the header
    changes nothing."""
    client = env_app(TRUSTED_PROXIES=proxies).test_client()
    headers = {"X-Forwarded-Proto": "https", "Referer": "https://evil.example/form"}
    response = post(client, "/account/sign-in", WRONG, headers=headers)
    assert response.status_code == status
    if status == 400:
        assert (
            "The form was not sent from this site. Go back, reload the page and try again."
            in response.get_data(as_text=True)
        )
