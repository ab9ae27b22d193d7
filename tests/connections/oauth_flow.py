"""One OAuth client's journey against the live server, step by step, for tests to vary."""

from __future__ import annotations

import base64
import hashlib
import secrets
from urllib.parse import urlencode

import httpx

from tests.connections.support import query

CALLBACK = "http://127.0.0.1:5649/callback"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    )
    return verifier, challenge


class Flow:
    def __init__(self, base: str, browser, redirect_uri: str = CALLBACK, **registration):
        self.base, self.browser, self.redirect_uri = base, browser, redirect_uri
        self.resource = base + "/mcp"
        self.http = httpx.Client(base_url=base, timeout=30)
        body = {
            "client_name": "Test assistant",
            "redirect_uris": [redirect_uri],
            "grant_types": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_method": "none",
        }
        body.update(registration)
        response = self.http.post("/oauth/register", json=body)
        assert response.status_code == 201, response.text
        self.client = response.json()
        self.client_id = self.client["client_id"]
        self.verifier, self.challenge = pkce()
        self.state = secrets.token_urlsafe(16)

    def authorize_params(self, **overrides) -> dict:
        params = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "state": self.state,
            "code_challenge": self.challenge,
            "code_challenge_method": "S256",
            "resource": self.resource,
            "scope": "mcp:read",
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def authorize_url(self, **overrides) -> str:
        return self.base + "/oauth/authorize?" + urlencode(self.authorize_params(**overrides))

    def code(self, **overrides) -> str:
        callback = self.browser.authorize(
            self.authorize_url(**overrides), self.redirect_uri.split("?")[0]
        )
        params = query(callback)
        assert params["state"] == [self.state] and params["iss"] == [self.base], callback
        return params["code"][0]

    def auth(self) -> dict:
        if self.client.get("client_secret"):
            return {"client_id": self.client_id, "client_secret": self.client["client_secret"]}
        return {"client_id": self.client_id}

    def token(self, code: str, /, **overrides) -> httpx.Response:
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": self.verifier,
            "resource": self.resource,
            **self.auth(),
        }
        data.update(overrides)
        return self.http.post("/oauth/token", data={k: v for k, v in data.items() if v is not None})

    def tokens(self) -> dict:
        response = self.token(self.code())
        assert response.status_code == 200, response.text
        return response.json()

    def refresh(self, refresh_token: str, /, **overrides) -> httpx.Response:
        data = {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "resource": self.resource,
            **self.auth(),
        }
        data.update(overrides)
        return self.http.post("/oauth/token", data={k: v for k, v in data.items() if v is not None})

    def call(self, access_token: str) -> httpx.Response:
        return self.http.get("/_test/whoami", headers={"Authorization": f"Bearer {access_token}"})
