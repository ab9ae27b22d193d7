"""The official `mcp` Python client's OAuth provider against the live app: discovery,
registration, sign-in and consent (driven headlessly), token, refresh; then revoking the
connection on the AI Connections page makes the very next request 401."""

from __future__ import annotations

import threading
import time

import anyio
import httpx
import httpx2
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientMetadata

from tests.connections.support import forms, query

CALLBACK = "http://127.0.0.1:5648/callback"


class MemoryStorage:
    def __init__(self):
        self.tokens = None
        self.client_info = None

    async def get_tokens(self):
        return self.tokens

    async def set_tokens(self, tokens):
        self.tokens = tokens

    async def get_client_info(self):
        return self.client_info

    async def set_client_info(self, client_info):
        self.client_info = client_info


def run_in_fresh_thread(coroutine_function):
    """anyio.run in its own thread: the browser tests' session-wide Playwright keeps an event
    loop running in the main thread, where a second one cannot start."""
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = anyio.run(coroutine_function)
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def test_official_client_provider(live, browser):
    storage = MemoryStorage()
    callbacks: list[str] = []

    async def redirect_handler(url: str) -> None:
        callbacks.append(await anyio.to_thread.run_sync(browser.authorize, url, CALLBACK))

    async def callback_handler() -> AuthorizationCodeResult:
        params = query(callbacks[-1])
        return AuthorizationCodeResult(
            code=params["code"][0], state=params["state"][0], iss=params["iss"][0]
        )

    provider = OAuthClientProvider(
        server_url=live.url + "/mcp/",
        client_metadata=OAuthClientMetadata(
            client_name="mcp Python SDK test",
            redirect_uris=[CALLBACK],
            grant_types=["authorization_code", "refresh_token"],
            response_types=["code"],
            token_endpoint_auth_method="none",
        ),
        storage=storage,
        redirect_handler=redirect_handler,
        callback_handler=callback_handler,
    )
    protected = live.url + "/_test/whoami"

    async def scenario():
        async with httpx2.AsyncClient(auth=provider, timeout=30) as http:
            first = await http.get(protected)
            assert first.status_code == 200, first.text
            assert first.json()["client_id"] == storage.client_info.client_id
            assert len(callbacks) == 1
            before = storage.tokens
            provider.context.token_expiry_time = time.time() - 1  # make the client refresh
            second = await http.get(protected)
            assert second.status_code == 200, second.text
            assert len(callbacks) == 1  # refreshed, not re-authorised
            assert storage.tokens.access_token != before.access_token
            assert storage.tokens.refresh_token != before.refresh_token
            return storage.tokens

    tokens = run_in_fresh_thread(scenario)
    assert "mcp Python SDK test" in browser.pages[-1]

    page = browser.http.get(live.url + "/mcp/about/")
    assert page.status_code == 200
    assert "mcp Python SDK test" in page.text and live.url + "/mcp/" in page.text
    revoke = [f for f in forms(page.text) if "/revoke" in f["action"]]
    assert len(revoke) == 1
    done = browser.submit(live.url + "/mcp/about/", revoke[0])
    assert done.status_code == 302

    after = httpx.get(protected, headers={"Authorization": f"Bearer {tokens.access_token}"})
    assert after.status_code == 401
    assert after.headers["www-authenticate"] == (
        'Bearer error="invalid_token", error_description="the access token is invalid, expired '
        f'or revoked", resource_metadata="{live.url}/.well-known/oauth-protected-resource/mcp", '
        'scope="mcp:read"'
    )
    refreshed = httpx.post(
        live.url + "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens.refresh_token,
            "client_id": storage.client_info.client_id,
            "resource": live.url + "/mcp",
        },
    )
    assert refreshed.status_code == 400 and refreshed.json()["error"] == "invalid_grant"
    assert "mcp Python SDK test" not in browser.http.get(live.url + "/mcp/about/").text
