"""The official TypeScript MCP client (npm @modelcontextprotocol/sdk 1.x, pinned in package.json)
end to end: its own OAuth machinery discovers, registers, sends the user to sign in and approve
on our real pages, exchanges the code; it lists and calls every registered tool; then two hosts
refresh the same refresh token at once (the grace window) and both keep working. The driver is
tests/mcp/ts_client.mjs; a line protocol over its stdin/stdout hands the sign-in to `Browser`."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import httpx
import pytest

from portal.access import NOT_FOUND_OR_DENIED
from portal.connections.tokens import hash_token
from portal.extensions import db
from portal.mcp.registry import registry
from portal.models import Connection, OAuthToken, Practice
from portal.queries.overview import headline_figures
from tests.conftest import IN_CI, ROOT
from tests.mcp.oauth_flow import token_response
from tests.mcp.test_conformance import node
from tests.mcp.test_end_to_end import Browser

DRIVER = ROOT / "tests" / "mcp" / "ts_client.mjs"
SDK = ROOT / "node_modules" / "@modelcontextprotocol" / "sdk" / "package.json"
TIMEOUT = 300  # seconds for the whole driver; it gives up by itself after 240


def arguments(member: str, other: str, pcn: str) -> dict[str, dict]:
    """Sensible arguments for every tool, by name; a tool missing here fails the test."""
    return {
        "search_practices": {"query": "surgery", "limit": 5},
        "get_practice_overview": {"practice": member},
        "get_registered_patients": {"practice": member, "months": 6},
        "get_appointments": {"practice": member, "months": 3},
        "get_online_consultations": {"practice": member},
        "get_telephony": {"practice": member, "months": 2},
        "get_workforce": {"practice": member},
        "get_patient_experience": {"practice": member},
        "get_disease_prevalence": {"practice": member, "conditions": ["diabetes", "HYP"]},
        "get_qof_achievement": {"practice": member},
        "get_funding": {"practice": member},
        "compare_practices": {"practices": [member, other], "metrics": ["patients_per_gp_fte"]},
        "get_benchmark": {"metric": "dna_rate", "practice": member, "within": "icb"},
        "get_trend": {"practice": member, "metric": "dna_rate"},
        "list_metrics": {},
        "list_my_practices": {},
        "get_private_data": {"practice": member},  # alice holds a role there
        "search": {"query": "surgery appointments"},
        "fetch": {"id": f"practice:{member}"},
        "get_group_overview": {"group": f"pcn:{pcn}", "metric": "dna_rate"},
        "list_my_groups": {},
    }


def node_or_skip() -> str:
    executable = node()
    if executable is None or not SDK.exists():
        message = "Node and npm @modelcontextprotocol/sdk are needed (npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return executable


def drive(plan: dict, browser: Browser, log: Path) -> dict:
    """Run the driver: answer each sign-in it asks for with the browser; return its summary.
    Its stderr goes to `log` (a file, so a chatty driver never blocks on a full pipe)."""
    with log.open("w+") as errors:
        process = subprocess.Popen(
            [node_or_skip(), str(DRIVER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
        )
        messages = []
        try:
            process.stdin.write(json.dumps(plan) + "\n")
            process.stdin.flush()
            for line in process.stdout:
                messages.append(line)
                message = json.loads(line)
                if "authorize" in message:
                    browser.go(message["authorize"])
                    process.stdin.write(browser.callback + "\n")
                    process.stdin.flush()
            process.wait(timeout=TIMEOUT)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        errors.seek(0)
        assert process.returncode == 0, errors.read()[-4000:]
    return json.loads(messages[-1])["summary"]


def test_typescript_sdk_signs_in_calls_every_tool_and_refreshes_twice_at_once(live, tmp_path):
    names = registry.names()
    with live.app.app_context():
        pcn = db.session.get(Practice, live.member_practice).pcn_code
    table = arguments(live.member_practice, live.other_practice, pcn)
    missing = [name for name in names if name not in table]
    if missing:
        pytest.fail(f"no arguments for {missing}: add them to arguments() in {__file__}")
    probe = {"name": "list_my_practices", "arguments": {}}
    denied = {"name": "get_private_data", "arguments": {"practice": live.other_practice}}
    plan = {
        "server": live.base + "/mcp",
        "calls": [{"name": name, "arguments": table[name]} for name in names] + [denied],
        "probe": probe,
    }

    summary = drive(plan, Browser(live.base, "alice@example.org"), tmp_path / "driver.log")

    # Discovery, registration, sign-in and consent, the code exchange: each once, in order.
    resource = live.base + "/mcp"
    assert [
        (r["method"], r["path"], r["status"], r.get("grant_type"), r.get("resource"))
        for r in summary["requests"]
        if r["phase"] == "connect"
    ] == [
        ("POST", "/mcp", 401, None, None),
        ("GET", "/.well-known/oauth-protected-resource/mcp", 200, None, None),
        ("GET", "/.well-known/oauth-authorization-server", 200, None, None),
        ("POST", "/oauth/register", 201, None, None),
        ("POST", "/oauth/token", 200, "authorization_code", resource),
    ]
    assert summary["authorisation"] == {
        "iss": live.base,
        "tokenType": "Bearer",
        "scope": "mcp:read",
    }
    assert summary["protocolVersion"] == "2025-11-25"

    # Every registered tool is listed and answers (the SDK checks structuredContent against
    # each output schema); private data of a practice without a role is the generic answer.
    assert sorted(summary["listed"]) == sorted(names)
    calls = summary["calls"]
    assert [c["name"] for c in calls] == names + ["get_private_data"]
    for result in calls[:-1]:
        assert "thrown" not in result, result
        assert result["isError"] is False, result
        assert result["structuredContent"], result["name"]
        assert result["content"][0]["text"], result["name"]
    assert calls[-1]["isError"] is True
    assert [c["text"] for c in calls[-1]["content"]] == [NOT_FOUND_OR_DENIED]

    # The overview's figures are the query layer's.
    overview = next(c for c in calls if c["name"] == "get_practice_overview")
    with live.app.app_context():
        expected = {
            h.metric: h.practice.value if h.practice else None
            for h in headline_figures(live.member_practice)
        }
    got = {
        f["metric"]: f["practice"]["value"] if f["practice"] else None
        for f in overview["structuredContent"]["figures"]
    }
    assert got == expected
    assert expected["list_size"] is not None

    # Two hosts refreshed the same token at once: both 200, each with its own new pair.
    refresh = summary["refresh"]
    assert refresh["outcomes"] == ["AUTHORIZED", "AUTHORIZED"]
    assert [
        (r["method"], r["path"], r["status"], r.get("grant_type"), r.get("resource"))
        for r in summary["requests"]
        if r["phase"] == "refresh"
    ] == [("POST", "/oauth/token", 200, "refresh_token", resource)] * 2  # discovery was kept
    pairs = [refresh["before"], refresh["alpha"], refresh["beta"]]
    assert len({p["access_token"] for p in pairs}) == 3
    assert len({p["refresh_token"] for p in pairs}) == 3

    # Afterwards the open connection (alpha's new token) and a new one (beta's) both work,
    # without another sign-in or refresh.
    for host in ("alpha", "beta"):
        answer = summary["after"][host]
        assert answer["isError"] is False, answer
        assert [p["code"] for p in answer["structuredContent"]["practices"]] == [
            live.member_practice
        ]
    after = [
        (r["method"], r["path"], r["status"]) for r in summary["requests"] if r["phase"] == "after"
    ]
    assert after[:3] == [
        ("POST", "/mcp", 200),  # alpha's call on the open connection
        ("POST", "/mcp", 200),  # beta: initialize
        ("POST", "/mcp", 202),  # notifications/initialized
    ]
    # The SDK opens its optional server-to-client stream (not offered: 405) beside beta's call,
    # so the two arrive in either order.
    assert sorted(after[3:]) == [("GET", "/mcp", 405), ("POST", "/mcp", 200)]
    for host in ("alpha", "beta"):
        assert (
            live.call("list_my_practices", token=refresh[host]["access_token"])["isError"] is False
        )

    # In the database: one connection, still open; the old refresh token rotated, both new
    # ones live in the same family.
    with live.app.app_context():
        rows = {
            name: db.session.scalar(
                db.select(OAuthToken).filter_by(
                    token_hash=hash_token(refresh[name]["refresh_token"])
                )
            )
            for name in ("before", "alpha", "beta")
        }
        assert rows["before"].rotated_at is not None
        assert {row.family for row in rows.values()} == {rows["before"].family}
        assert [(rows[n].rotated_at, rows[n].revoked_at) for n in ("alpha", "beta")] == [
            (None, None)
        ] * 2
        connection = db.session.get(Connection, rows["before"].connection_id)
        assert connection.revoked_at is None
        assert connection.client.client_id == summary["registered"]["client_id"]


def test_a_refresh_without_resource_gets_a_token_for_the_grants_resource(live):
    """RFC 8707: a client that names no resource on refresh gets the grant's."""
    grant = token_response(live.app, "alice@example.org", live.base)
    answer = httpx.post(
        live.base + "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": grant["refresh_token"],
            "client_id": grant["client_id"],
        },
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "mcp:read"
    with live.app.app_context():
        issued = db.session.scalar(
            db.select(OAuthToken).filter_by(token_hash=hash_token(body["access_token"]))
        )
        assert issued.resource == live.base + "/mcp"
    mine = live.call("list_my_practices", token=body["access_token"])
    assert mine["isError"] is False
    assert [p["code"] for p in mine["structuredContent"]["practices"]] == [live.member_practice]
