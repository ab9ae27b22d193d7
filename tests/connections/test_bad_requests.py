"""Every shape of bad request to the client endpoints is a 4xx in OAuth's JSON error format,
refused before the database (PostgreSQL refuses NUL in text), never a 500 or an HTML page:
bodies that are not JSON objects, too large or too deep; NUL and other control characters
in any field of /oauth/register, /oauth/token and /oauth/revoke."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from portal.extensions import db, limiter
from portal.models.oauth import OAuthClient
from tests.conftest import make_app
from tests.connections.oauth_flow import CALLBACK, Flow


def oauth_error(response: httpx.Response, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == "no-store"
    return response.json()


def client_count(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(OAuthClient.id)))


def nested(depth: int) -> dict:
    return json.loads('{"x": ' * depth + "1" + "}" * depth)


LARGER = "the body is larger than 65536 bytes"
NOT_JSON = "the body is not valid JSON"
NOT_OBJECT = "the body must be a JSON object"
DEEP = "the body is nested too deeply"


@pytest.mark.parametrize(
    ("body", "description"),
    [
        (b"{", NOT_JSON),
        (b"", NOT_JSON),
        (b"{'redirect_uris': []}", NOT_JSON),
        (b'{"client_name": "\xff"}', NOT_JSON),  # not UTF-8
        (b'{"n": ' + b"9" * 5000 + b"}", NOT_JSON),  # past Python's integer digit limit
        (b"[1, 2]", NOT_OBJECT),
        (b'"redirect_uris"', NOT_OBJECT),
        (b"3", NOT_OBJECT),
        (b"null", NOT_OBJECT),
        (b"true", NOT_OBJECT),
        (b"[" * 50_000, DEEP),
        (b'{"a":' * 12_000, DEEP),
        (b"[" * 100_000, LARGER),
        (b'{"client_name": "' + b"a" * 70_000 + b'"}', LARGER),
        (b" " * (6 * 1024 * 1024), LARGER),  # past MAX_CONTENT_LENGTH too
    ],
)
def test_registration_bodies_that_are_not_a_json_object(live, app, body, description):
    response = httpx.post(
        live.url + "/oauth/register", content=body, headers={"Content-Type": "application/json"}
    )
    assert oauth_error(response) == {
        "error": "invalid_client_metadata",
        "error_description": description,
    }
    assert client_count(app) == 0


def test_a_chunked_body_is_read_only_to_the_limit(live, app):
    def chunks():
        yield b'{"client_name": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    response = httpx.post(
        live.url + "/oauth/register", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert oauth_error(response) == {
        "error": "invalid_client_metadata",
        "error_description": LARGER,
    }
    assert client_count(app) == 0


def test_registration_must_be_json(live, app):
    response = httpx.post(live.url + "/oauth/register", data={"redirect_uris": CALLBACK})
    assert oauth_error(response) == {
        "error": "invalid_client_metadata",
        "error_description": "the body must be JSON (Content-Type: application/json)",
    }


CONTROL = "contains a control character"


@pytest.mark.parametrize(
    ("extra", "description"),
    [
        ({"client_name": "a\x00b"}, f"client_name {CONTROL}"),
        ({"client_name": "line\nbreak"}, f"client_name {CONTROL}"),
        ({"client_name": "esc\x1b[31m"}, f"client_name {CONTROL}"),
        ({"client_name": "del\x7f"}, f"client_name {CONTROL}"),
        ({"scope": "mcp:read\x00"}, f"scope {CONTROL}"),
        ({"client_uri": "https://app.example.com/\x00"}, f"client_uri {CONTROL}"),
        ({"redirect_uris": [CALLBACK, "https://a.example/\x00"]}, f"redirect_uris {CONTROL}"),
        ({"contacts": ["ops@example.com", "a\x00"]}, f"contacts {CONTROL}"),
        ({"jwks": {"keys": [{"kid": "\x00"}]}}, f"jwks {CONTROL}"),
        ({"jwks": {"ke\x00ys": []}}, f"jwks {CONTROL}"),
        ({"software\x00id": "x"}, f"a field {CONTROL}"),
        ({"software_id": nested(20)}, "software_id is nested too deeply"),
    ],
)
def test_control_characters_anywhere_in_the_metadata(live, app, extra, description):
    body = {"redirect_uris": [CALLBACK], "client_name": "Assistant", **extra}
    response = httpx.post(live.url + "/oauth/register", json=body)
    assert oauth_error(response) == {
        "error": "invalid_client_metadata",
        "error_description": description,
    }
    assert client_count(app) == 0


def test_unpaired_surrogates_are_refused(live, app):
    response = httpx.post(
        live.url + "/oauth/register",
        content=f'{{"redirect_uris": ["{CALLBACK}"], "client_name": "\\ud800"}}'.encode(),
        headers={"Content-Type": "application/json"},
    )
    assert oauth_error(response) == {
        "error": "invalid_client_metadata",
        "error_description": "client_name is not valid Unicode (an unpaired surrogate)",
    }
    assert client_count(app) == 0


@pytest.mark.parametrize(
    "field",
    [
        "grant_type",
        "code",
        "code_verifier",
        "redirect_uri",
        "resource",
        "client_id",
        "client_secret",
        "scope",
        "refresh_token",
        "other",
    ],
)
def test_control_characters_in_token_requests(live, browser, field):
    flow = Flow(live.url, browser)
    for value in ("a\x00b", "\x00", "tab\there", "\x1f", "\x7f"):
        data = {
            "grant_type": "authorization_code",
            "code": "code",
            "code_verifier": "v" * 43,
            "redirect_uri": CALLBACK,
            "resource": flow.resource,
            "client_id": flow.client_id,
            field: value,
        }
        response = httpx.post(live.url + "/oauth/token", data=data)
        assert oauth_error(response) == {
            "error": "invalid_request",
            "error_description": f"{field} {CONTROL}",
        }


@pytest.mark.parametrize("field", ["token", "token_type_hint", "client_id", "other"])
def test_control_characters_in_revocation_requests(live, browser, field):
    flow = Flow(live.url, browser)
    data = {"token": "t", "client_id": flow.client_id, field: "a\x00b"}
    response = httpx.post(live.url + "/oauth/revoke", data=data)
    assert oauth_error(response) == {
        "error": "invalid_request",
        "error_description": f"{field} {CONTROL}",
    }


@pytest.mark.parametrize("credentials", ["id%00x:secret", "id:se%00cret", "id\x00:secret"])
def test_control_characters_in_basic_credentials(live, credentials):
    header = "Basic " + base64.b64encode(credentials.encode()).decode()
    for path in ("/oauth/token", "/oauth/revoke"):
        response = httpx.post(
            live.url + path,
            data={"grant_type": "refresh_token", "token": "t"},
            headers={"Authorization": header},
        )
        assert oauth_error(response, 401) == {
            "error": "invalid_client",
            "error_description": "malformed Basic credentials",
        }
        assert response.headers["www-authenticate"] == 'Basic realm="oauth"'


def test_an_oversized_token_request_is_oauth_json(live):
    response = httpx.post(
        live.url + "/oauth/token",
        content=b"code=" + b"a" * (6 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert oauth_error(response, 413) == {
        "error": "invalid_request",
        "error_description": "The upload is too large.",
    }


@pytest.mark.parametrize(
    ("method", "path", "error"),
    [
        ("GET", "/oauth/token", "invalid_request"),
        ("HEAD", "/oauth/revoke", "invalid_request"),
        ("PUT", "/oauth/register", "invalid_client_metadata"),
        ("DELETE", "/oauth/token", "invalid_request"),
        ("POST", "/.well-known/oauth-authorization-server", "invalid_request"),
    ],
)
def test_undeclared_methods_are_oauth_json(live, method, path, error):
    response = httpx.request(method, live.url + path)
    assert response.status_code == 405
    assert response.headers["cache-control"] == "no-store"
    if method != "HEAD":
        assert response.json() == {
            "error": error,
            "error_description": "This address does not accept that kind of request.",
        }


def test_rate_limited_registration_is_oauth_json(scratch_url):
    limited = make_app(scratch_url, RATELIMIT_ENABLED=True)
    try:
        with limited.app_context():
            limiter.reset()
        client = limited.test_client()
        body = {"redirect_uris": [CALLBACK]}
        codes = [client.post("/oauth/register", json=body).status_code for _ in range(21)]
        assert codes == [201] * 20 + [429]
        blocked = client.post("/oauth/register", json=body)
        assert blocked.status_code == 429 and blocked.headers["cache-control"] == "no-store"
        assert blocked.json == {
            "error": "invalid_client_metadata",
            "error_description": "Too many requests. Wait a minute and try again.",
        }
    finally:
        with limited.app_context():
            limiter.reset()
            db.session.execute(db.delete(OAuthClient))
            db.session.commit()
            db.engine.dispose()
