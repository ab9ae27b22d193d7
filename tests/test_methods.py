"""Method confusion, for every route in the URL map: HEAD is GET without a body and changes
nothing (even with a complete, valid form in its body and query string), and a method a route
does not declare is refused. New routes are covered by the walk without editing this file; a
new form route (GET and POST) must add the form that makes its POST change something."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from portal import accounts, api_keys
from portal.alerts.tokens import unsubscribe_token
from portal.connections import service
from portal.extensions import db
from portal.links import public_base_url
from portal.models import User
from tests.accounts_support import PASSWORD, add_practices, csrf_token, make_user, set_role, sign_in

PRACTICE = "A00001"
MEMBER = "member@example.org"
ASKER = "asker@example.org"
UNVERIFIED = "unverified@example.org"
NEW_PASSWORD = "saffron kettle orbit lantern"
REDIRECT_URI = "http://127.0.0.1:8765/callback"
# Tables that record requests rather than hold what a request may change: one audit row per
# MCP/API request, whatever its method, and rate-limit counters.
REQUEST_RECORDS = {"audit_event", "rate_limit_window"}
# Session keys that any page view may set or use up: the CSRF secret, Flask-Login's marker and
# freshness flag, and flashed messages (a signed-out visit to a signed-in page flashes one).
PAGE_VIEW_SESSION_KEYS = {"csrf_token", "_id", "_fresh", "_flashes"}
OTHER_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
API_READ_ONLY = {"message": "The API is read-only: use GET.", "parameter": None, "status": 405}
API_NOT_FOUND = {"message": "Not found or access denied.", "parameter": None, "status": 404}
# GET+POST routes that are not forms and answer for themselves (no form would change state).
NOT_FORMS = {
    "/mcp": "the MCP endpoint: GET is 405 (no server-sent stream), POST needs an OAuth token",
    "/mcp/": "the MCP endpoint: GET is 405 (no server-sent stream), POST needs an OAuth token",
    "/api/v1/": "the API's fallback: every method answers 404 or 405 as JSON",
    "/api/v1/<path:rest>": "the API's fallback: every method answers 404 or 405 as JSON",
}


@dataclass
class World:
    """One practice, a site admin who is also its practice admin, a pending request, live
    reset and verification links, an API key and a registered OAuth client."""

    reset_token: str
    verify_token: str
    unsubscribe_token: str
    role_id: int
    key_id: int
    key_secret: str
    client_id: str
    challenge: str
    resource: str


@pytest.fixture
def world(site) -> World:
    add_practices(site, PRACTICE)
    make_user(site, MEMBER, admin=True)
    set_role(site, MEMBER, PRACTICE, "active", role="admin")
    make_user(site, ASKER)
    make_user(site, UNVERIFIED, verified=False)
    role_id = set_role(site, ASKER, PRACTICE, "pending")
    with site.app_context():
        member = accounts.find_user(MEMBER)
        registered = service.register_client(
            {
                "client_name": "Method test",
                "redirect_uris": [REDIRECT_URI],
                "token_endpoint_auth_method": "none",
            }
        )
        key = api_keys.create_key(member, "existing")
        return World(
            reset_token=accounts.issue_token(member, "reset"),
            verify_token=accounts.issue_token(accounts.find_user(UNVERIFIED), "verify"),
            unsubscribe_token=unsubscribe_token(member.id),
            role_id=role_id,
            key_id=key.id,
            key_secret=key.secret,
            client_id=registered["client_id"],
            resource=public_base_url() + "/mcp",
            challenge=base64.urlsafe_b64encode(hashlib.sha256(b"v" * 43).digest())
            .rstrip(b"=")
            .decode(),
        )


def sample_values(world: World) -> dict[str, object]:
    """A value for each route parameter name, from the world where one matters."""
    return {
        "code": PRACTICE,
        "area": "appointments",
        "table": "latest",
        "metric": "list_size",
        "page": "access",
        "token": world.reset_token,
        "role_id": world.role_id,
        "action": "approve",
        "key_id": world.key_id,
        "connection_id": 1,
        "level": "pcn",
        "dataset": "gpad",
        "rest": "unknown",
        "filename": "css/portal.css",
        "kind": "pcns",
        "group_id": 1,
        "watch_id": 1,
    }


FORM_ROUTES = (
    "/account/sign-up",
    "/account/sign-in",
    "/account/forgot-password",
    "/account/reset-password/<token>",
    "/account/verify/<token>",
    "/account/delete",
    "/api/keys",
    "/practices/<code>/private",
    "/oauth/authorize",
    "/groups",
    "/watchlist",
    "/alerts/unsubscribe/<token>",
)


def form_payloads(world: World) -> dict[str, tuple[bool, dict[str, str], int]]:
    """For each form route: (signed in?, a form whose POST changes state, that POST's status)."""
    return {
        "/account/sign-up": (False, {"email": "head@example.org", "password": NEW_PASSWORD}, 302),
        "/account/sign-in": (False, {"email": MEMBER, "password": PASSWORD}, 302),
        "/account/forgot-password": (False, {"email": MEMBER}, 200),
        "/account/reset-password/<token>": (False, {"password": NEW_PASSWORD}, 200),
        "/account/verify/<token>": (False, {}, 200),
        "/account/delete": (True, {"password": PASSWORD}, 200),
        "/api/keys": (True, {"name": "made by HEAD"}, 200),
        "/practices/<code>/private": (
            True,
            {"period": "2025-01", "local_appointments": "10"},
            302,
        ),
        "/oauth/authorize": (
            True,
            {
                "client_id": world.client_id,
                "redirect_uri": REDIRECT_URI,
                "response_type": "code",
                "state": "s",
                "code_challenge": world.challenge,
                "code_challenge_method": "S256",
                "resource": world.resource,
                "decision": "approve",
            },
            302,
        ),
        "/groups": (True, {"name": "Made by HEAD"}, 302),
        "/watchlist": (True, {"kind": "practice", "code": PRACTICE, "new_data": "1"}, 302),
        "/alerts/unsubscribe/<token>": (False, {}, 200),
    }


def routes(app) -> dict[str, set[str]]:
    """Each rule's path with every method it declares (a form's page and its submission are
    separate rules on one path)."""
    declared: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        declared.setdefault(rule.rule, set()).update(rule.methods or ())
    return declared


def url_for_rule(app, path: str, world: World) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == path)
    values = sample_values(world)
    if path.startswith("/account/verify/"):
        values["token"] = world.verify_token
    if path.startswith("/alerts/unsubscribe/"):
        values["token"] = world.unsubscribe_token
    missing = rule.arguments - values.keys()
    assert not missing, f"{path}: add a sample value for {sorted(missing)} to sample_values"
    return rule.build({name: values[name] for name in rule.arguments})[1]


def state(app) -> dict[str, list[str]]:
    """Every row of every table except the request records."""
    with app.app_context():
        snapshot = {}
        for table in db.metadata.sorted_tables:
            if table.name not in REQUEST_RECORDS:
                rows = db.session.execute(sa.select(table)).all()
                snapshot[table.name] = sorted(repr(tuple(row)) for row in rows)
        db.session.remove()
        return snapshot


def session_of(client) -> dict:
    with client.session_transaction() as session:
        return {k: v for k, v in session.items() if k not in PAGE_VIEW_SESSION_KEYS}


def clients(app) -> dict[str, object]:
    anonymous, signed_in = app.test_client(), app.test_client()
    sign_in(signed_in, MEMBER)
    return {"anonymous": anonymous, "signed in": signed_in}


def comparable_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in ("Date", "Set-Cookie")}


def test_head_answers_as_get_without_a_body_and_changes_nothing(site, world):
    declared = routes(site)
    payloads = form_payloads(world)
    checked, failures = [], []
    for name, client in clients(site).items():
        for path, methods in sorted(declared.items()):
            if "GET" not in methods:
                continue
            url = url_for_rule(site, path, world)
            form = {**payloads.get(path, (False, {}, 0))[1], "csrf_token": csrf_token(client)}
            before, session_before = state(site), session_of(client)
            head = client.head(url, query_string=form, data=form)
            if state(site) != before:
                failures.append(f"{name} HEAD {path} changed the database")
            if session_of(client) != session_before:
                failures.append(f"{name} HEAD {path} changed the session")
            get = client.get(url, query_string=form)
            if head.get_data() != b"":
                failures.append(f"{name} HEAD {path} sent a body")
            if (head.status_code, comparable_headers(head)) != (
                get.status_code,
                comparable_headers(get),
            ):
                failures.append(
                    f"{name} HEAD {path}: {head.status_code} {comparable_headers(head)} "
                    f"but GET: {get.status_code} {comparable_headers(get)}"
                )
            checked.append(path)
    assert failures == [], failures
    assert set(payloads) <= set(checked)  # every form route was walked, signed in and not


def test_every_form_route_has_a_form_that_changes_state(site, world):
    declared = routes(site)
    forms = {path for path, methods in declared.items() if {"GET", "POST"} <= methods}
    assert forms - NOT_FORMS.keys() == set(form_payloads(world)) == set(FORM_ROUTES)


@pytest.mark.parametrize("path", FORM_ROUTES)
def test_the_same_form_posted_does_change_state(site, world, path):
    """The control: the form HEAD sent is one that works, so HEAD's doing nothing is real."""
    signed_in, form, status = form_payloads(world)[path]
    client = clients(site)["signed in" if signed_in else "anonymous"]
    url = url_for_rule(site, path, world)
    before, session_before = state(site), session_of(client)
    response = client.post(url, data={**form, "csrf_token": csrf_token(client)})
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert (state(site), session_of(client)) != (before, session_before)


def test_head_with_the_right_password_neither_signs_in_nor_creates_nor_deletes(site, world):
    anonymous, signed_in = clients(site).values()
    head = anonymous.head(
        "/account/sign-in",
        query_string={"email": MEMBER, "password": PASSWORD},
        data={"email": MEMBER, "password": PASSWORD},
    )
    assert head.status_code == 200
    assert anonymous.get("/account/").status_code == 302  # still signed out
    anonymous.head("/account/sign-up", data={"email": "head@example.org", "password": NEW_PASSWORD})
    signed_in.head("/account/delete", data={"password": PASSWORD})
    anonymous.head("/account/forgot-password", data={"email": ASKER})
    with site.app_context():
        emails = db.session.scalars(sa.select(User.email).order_by(User.email)).all()
        assert emails == [ASKER, MEMBER, UNVERIFIED]
        assert accounts.outbox() == []
    assert signed_in.get("/account/").status_code == 200  # not deleted, still signed in


def test_undeclared_methods_are_refused(site, world):
    failures = []
    client = clients(site)["signed in"]
    bearer = {"Authorization": f"Bearer {world.key_secret}"}
    for path, methods in sorted(routes(site).items()):
        url = url_for_rule(site, path, world)
        for method in OTHER_METHODS:
            if method in methods:
                continue
            response = client.open(
                url, method=method, data={"csrf_token": csrf_token(client)}, headers=bearer
            )
            if path.startswith("/api/v1/"):
                expected = (405, API_READ_ONLY)
                if (response.status_code, response.get_json()) != expected:
                    failures.append(f"{method} {path}: {response.get_data(as_text=True)[:200]}")
            elif response.status_code != 405:
                failures.append(f"{method} {path}: {response.status_code}")
    assert failures == [], failures


def test_the_api_fallback_answers_every_method_as_json(site, world):
    client = site.test_client()
    bearer = {"Authorization": f"Bearer {world.key_secret}"}
    for method in OTHER_METHODS:
        unknown = client.open("/api/v1/unknown", method=method, headers=bearer)
        assert (unknown.status_code, unknown.get_json()) == (404, API_NOT_FOUND), method
