"""Settings tell the truth: the README's table is config.py's table, no code reads a setting the
table leaves out, and each setting, set in the environment, changes what the app does."""

from __future__ import annotations

import ast
import re
import secrets
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.accounts import create_user
from portal.api_keys import create_key
from portal.config import FIXED, SETTINGS, ConfigError, markdown_table
from portal.extensions import db
from portal.models import AuthorizationCode, OAuthToken, RateLimitWindow, User
from tests.accounts_support import PASSWORD, post, sign_in
from tests.conftest import ROOT, make_app
from tests.mcp.oauth_flow import mint_token, token_response

BASE = "http://localhost"  # the test client's origin
PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
MCP_HEADERS = {"Accept": "application/json", "MCP-Protocol-Version": "2025-11-25"}
REDIS_TEST_URL = "redis://127.0.0.1:6379/9"
# keys Flask and its extensions define (not ours to document)
FRAMEWORK_KEYS = {"TESTING", "SQLALCHEMY_DATABASE_URI", "ENV_NAME"}


def _readme_rows() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Settings\n", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if line.startswith("|")]


def test_readme_settings_table_is_config_table():
    rows = _readme_rows()
    names = {re.match(r"\| `([A-Z_]+)` \|", row).group(1) for row in rows[2:]}
    assert names == {s.name for s in SETTINGS}  # both directions
    assert "\n".join(rows) == markdown_table()  # and every default and meaning


def test_every_setting_the_code_reads_is_in_the_table():
    read = set()
    for path in (ROOT / "portal").rglob("*.py"):
        source = path.read_text()
        read |= set(re.findall(r"config(?:\.get\(|\[)\s*\"([A-Z][A-Z0-9_]+)\"", source))
        read |= set(re.findall(r"\bsetting\(\"([A-Z][A-Z0-9_]+)\"", source))
    known = {s.config_key for s in SETTINGS} | set(FIXED) | FRAMEWORK_KEYS
    assert read - known == set()
    assert len(read) > 15  # the scan found the reads


def test_a_bad_value_is_a_named_error(env_app):
    with pytest.raises(ConfigError, match="^TRUSTED_PROXIES: must be 0 or more$"):
        env_app(TRUSTED_PROXIES="-1")


# --- identity and deployment ----------------------------------------------------------------


def test_secret_key_signs_sessions(env_app):
    first = env_app(SECRET_KEY="a" * 40)
    make = first.app_context()
    with make:
        create_user("keys@example.org", PASSWORD, verified=True)
    client = first.test_client()
    sign_in(client, "keys@example.org")
    cookie = client.get_cookie("session").value
    assert client.get("/account/").status_code == 200

    same, other = env_app(SECRET_KEY="a" * 40), env_app(SECRET_KEY="b" * 40)
    for application, status in [(same, 200), (other, 302)]:
        copied = application.test_client()
        copied.set_cookie("session", cookie)
        assert copied.get("/account/").status_code == status


def test_database_url_chooses_the_database(env_app, scratch_url):
    application = env_app(database=False, DATABASE_URL=scratch_url)
    assert application.config["SQLALCHEMY_DATABASE_URI"] == scratch_url
    with application.app_context():
        create_user("where@example.org", PASSWORD)
    with make_app(scratch_url).app_context():
        assert db.session.scalar(sa.select(User.email)) == "where@example.org"
        db.engine.dispose()


def test_public_base_url_is_the_oauth_issuer(env_app):
    derived = env_app().test_client().get("/.well-known/oauth-authorization-server")
    assert derived.get_json()["issuer"] == "http://127.0.0.1:5000"  # where `make run` serves
    configured = env_app(PUBLIC_BASE_URL="https://portal.example/").test_client()
    metadata = configured.get("/.well-known/oauth-authorization-server").get_json()
    assert metadata["issuer"] == "https://portal.example"
    assert metadata["token_endpoint"] == "https://portal.example/oauth/token"


PRODUCTION = {
    "HARESIGN_ENV": "production",
    "SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql://portal@db.internal/portal",
    "PUBLIC_BASE_URL": "https://portal.example",
    "MAIL_URL": "smtp://mailer:pw@smtp.example:587",
    "MAIL_FROM": "Haresign <no-reply@portal.example>",
}


@pytest.mark.parametrize(
    "missing, message",
    [
        ("SECRET_KEY", "SECRET_KEY must be set to a random value of 32+ characters in production"),
        ("DATABASE_URL", "DATABASE_URL must point to PostgreSQL in production"),
        ("PUBLIC_BASE_URL", "PUBLIC_BASE_URL must be an https:// origin in production"),
    ],
)
def test_production_refuses_development_defaults(env_app, monkeypatch, missing, message):
    monkeypatch.delenv(missing, raising=False)
    with pytest.raises(ConfigError, match=f"^{re.escape(message)}$"):
        env_app(database=False, **{k: v for k, v in PRODUCTION.items() if k != missing})


def test_haresign_env_production_sends_hsts_and_secure_cookies(env_app):
    from flask import session

    development, production = env_app(), env_app(database=False, **PRODUCTION)
    for application, secure in [(development, False), (production, True)]:
        with application.test_request_context("/"):
            session["seen"] = True
            response = application.process_response(application.response_class("ok"))
        cookie = response.headers["Set-Cookie"]
        assert ("; Secure" in cookie) is secure, cookie
        assert ("Strict-Transport-Security" in response.headers) is secure
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_demo_data_labels_every_page(env_app):
    banner = "This portal is showing synthetic demonstration data"
    assert banner not in env_app(DEMO_DATA="").test_client().get("/").get_data(as_text=True)
    assert banner in env_app(DEMO_DATA="true").test_client().get("/").get_data(as_text=True)


# --- rate limits ------------------------------------------------------------------------------


def _api_calls(application, n: int) -> list:
    with application.app_context():
        user = create_user(f"api-{secrets.token_hex(4)}@example.org", PASSWORD)
        secret = create_key(user, "tests").secret
    client = application.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    return [client.get("/api/v1/metrics", headers=headers) for _ in range(n)]


def windows(application) -> int:
    with application.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitWindow))


def test_api_rate_limit(env_app, fixed_clock):
    responses = _api_calls(env_app(API_RATE_LIMIT="2/minute"), 3)
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].headers["Retry-After"] == "60"
    assert responses[2].get_json() == {
        "status": 429,
        "message": "Too many requests for this key: at most 2 per 1 minute. "
        "Try again in 60 seconds.",
        "parameter": None,
    }


def test_ratelimit_enabled_false_turns_limits_off(env_app):
    responses = _api_calls(env_app(API_RATE_LIMIT="2/minute", RATELIMIT_ENABLED="false"), 3)
    assert [r.status_code for r in responses] == [200, 200, 200]


def test_counters_are_in_the_database_by_default(env_app, fixed_clock):
    application = env_app(API_RATE_LIMIT="2/minute")
    assert application.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert [r.status_code for r in _api_calls(application, 3)] == [200, 200, 429]
    assert windows(application) == 1


def test_ratelimit_storage_uri_memory_keeps_counters_in_the_process(env_app, fixed_clock):
    application = env_app(API_RATE_LIMIT="2/minute", RATELIMIT_STORAGE_URI="memory://")
    assert [r.status_code for r in _api_calls(application, 3)] == [200, 200, 429]
    assert windows(application) == 0


def test_redis_url_keeps_counters_in_redis(env_app):
    store = redis.Redis.from_url(REDIS_TEST_URL)
    stale = list(store.scan_iter("*api-key:*"))
    if stale:
        store.delete(*stale)
    try:
        application = env_app(API_RATE_LIMIT="2/minute", REDIS_URL=REDIS_TEST_URL)
        assert application.config["RATELIMIT_STORAGE_URI"] == REDIS_TEST_URL
        assert [r.status_code for r in _api_calls(application, 3)] == [200, 200, 429]
        keys = list(store.scan_iter("*api-key:*"))
        assert len(keys) == 1 and int(store.get(keys[0])) == 3
        assert windows(application) == 0
    finally:
        stale = list(store.scan_iter("*api-key:*"))
        if stale:
            store.delete(*stale)


def test_sign_in_rate_limit(env_app):
    client = env_app(SIGN_IN_RATE_LIMIT="2 per minute").test_client()
    data = {"email": "nobody@example.org", "password": "wrong password"}
    codes = [post(client, "/account/sign-in", data).status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def _mcp_token(application) -> str:
    with application.app_context():
        create_user(f"mcp-{secrets.token_hex(4)}@example.org", PASSWORD)
        email = db.session.scalar(sa.select(User.email).order_by(User.id.desc()))
    return mint_token(application, email, BASE)


def test_mcp_rate_limit(env_app, fixed_clock):
    application = env_app(MCP_RATE_LIMIT="2/minute", PUBLIC_BASE_URL=BASE)
    token = _mcp_token(application)
    client = application.test_client()
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
    responses = [client.post("/mcp/", json=PING, headers=headers) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert responses[2].headers["Retry-After"] == "60"
    assert responses[2].get_json()["error"]["message"] == "Too many requests"


def test_mcp_allowed_origins(env_app):
    assistant, stranger = "https://assistant.example", "https://stranger.example"
    for configured, accepted in [("", set()), (f"{assistant}, https://other.example", {assistant})]:
        application = env_app(MCP_ALLOWED_ORIGINS=configured, PUBLIC_BASE_URL=BASE)
        token = _mcp_token(application)
        client = application.test_client()
        headers = {**MCP_HEADERS, "Authorization": f"Bearer {token}"}
        for origin in (assistant, stranger):
            response = client.post("/mcp/", json=PING, headers={**headers, "Origin": origin})
            assert response.status_code == (200 if origin in accepted else 403), origin


# --- OAuth lifetimes --------------------------------------------------------------------------


def _oauth_tokens(application) -> dict:
    """The token response of a full authorisation-code + PKCE flow (service functions)."""
    email = f"oauth-{secrets.token_hex(4)}@example.org"
    with application.app_context():
        create_user(email, PASSWORD)
    return token_response(application, email, BASE)


def _lifetimes(application) -> dict[str, timedelta]:
    with application.app_context():
        rows = [
            *db.session.scalars(sa.select(OAuthToken)),
            *db.session.scalars(sa.select(AuthorizationCode)),
        ]
        return {getattr(r, "kind", "code"): r.expires_at - r.created_at for r in rows}


def test_oauth_lifetimes(env_app):
    application = env_app(
        OAUTH_ACCESS_TOKEN_TTL="600", OAUTH_REFRESH_TOKEN_TTL="1200", OAUTH_CODE_TTL="45"
    )
    assert _oauth_tokens(application)["expires_in"] == 600
    lifetimes = _lifetimes(application)
    assert lifetimes["access"] == timedelta(seconds=600)
    assert lifetimes["refresh"] == timedelta(seconds=1200)
    assert round(lifetimes["code"].total_seconds()) == 45


@pytest.mark.parametrize(("grace", "replay_allowed"), [("45", True), ("15", False)])
def test_oauth_refresh_grace_seconds(env_app, grace, replay_allowed):
    """A refresh token replayed 30 s after its rotation: inside a 45 s window it gets a new
    pair; after a 15 s one it ends the connection."""
    from portal.clock import now
    from portal.connections.service import OAuthError, find_client, refresh
    from portal.connections.tokens import hash_token

    application = env_app(OAUTH_REFRESH_GRACE_SECONDS=grace)
    tokens = _oauth_tokens(application)
    params = MultiDict({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
    with application.app_context():
        client = find_client(tokens["client_id"])
        assert refresh(client, params, BASE)["token_type"] == "Bearer"
        db.session.execute(
            sa.update(OAuthToken)
            .where(OAuthToken.token_hash == hash_token(tokens["refresh_token"]))
            .values(rotated_at=now() - timedelta(seconds=30))
        )
        db.session.commit()
        if replay_allowed:
            assert refresh(client, params, BASE)["token_type"] == "Bearer"
        else:
            with pytest.raises(OAuthError) as refused:
                refresh(client, params, BASE)
            assert refused.value.as_dict() == {
                "error": "invalid_grant",
                "error_description": "the refresh token has already been used",
            }


def _settings_set_from_the_environment() -> set[str]:
    """Every name a test puts in the environment: `env_app(NAME=...)` (also through a module's
    dict, `env_app(**PRODUCTION)`) or `monkeypatch.setenv("NAME", ...)`."""
    names: set[str] = set()
    for path in (ROOT / "tests").rglob("*.py"):
        tree = ast.parse(path.read_text())
        dicts = {
            target.id: node.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if called == "env_app":
                for keyword in node.keywords:
                    if keyword.arg:
                        names.add(keyword.arg)
                    elif isinstance(keyword.value, ast.Name) and keyword.value.id in dicts:
                        keys = dicts[keyword.value.id].keys
                        names |= {k.value for k in keys if isinstance(k, ast.Constant)}
            elif called == "setenv" and node.args and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
    return names


def test_every_setting_is_proven_from_the_environment():
    """Each setting in the table is set through the environment by at least one test, which
    then shows what it changes."""
    assert {s.name for s in SETTINGS} - _settings_set_from_the_environment() == set()
