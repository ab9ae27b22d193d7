"""The official TypeScript MCP client 2.x (npm @modelcontextprotocol/client, pinned in
package.json) pinned to protocol 2026-07-28: it connects with server/discover only, sends the
2026 headers on every request, and lists, calls and reads as a 2025 client does. The driver is
tests/mcp/ts_client_2026.mjs; the token comes from our real OAuth flow."""

from __future__ import annotations

import json
import subprocess

import pytest

from portal.mcp.registry import registry
from tests.conftest import IN_CI, ROOT
from tests.mcp.test_conformance import node

DRIVER = ROOT / "tests" / "mcp" / "ts_client_2026.mjs"
CLIENT = ROOT / "node_modules" / "@modelcontextprotocol" / "client" / "package.json"


def test_typescript_client_pinned_to_2026(live):
    executable = node()
    if executable is None or not CLIENT.exists():
        message = "Node and npm @modelcontextprotocol/client are needed (npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    given = {"server": live.url, "token": live.token, "practice": live.member_practice}
    run = subprocess.run(
        [executable, str(DRIVER)],
        input=json.dumps(given),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    summary = json.loads(run.stdout)
    assert (summary["version"], summary["era"]) == ("2026-07-28", "modern")
    assert summary["server"]["name"] == "haresign"
    assert summary["supported"] == ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"]
    assert summary["tools"] == [[s.name, s.title, True, 1] for s in registry.all()]
    assert summary["mine"]["practices"][0]["code"] == live.member_practice
    assert summary["workforce"] == {"isError": False, "practice": live.member_practice}
    assert summary["metrics"] > 0
    assert summary["sent"] == [
        {"version": "2026-07-28", "method": method, "name": name}
        for method, name in [
            ("server/discover", None),
            ("tools/list", None),
            ("tools/call", "list_my_practices"),
            ("tools/call", "get_workforce"),
            ("resources/read", "haresign://catalogue/metrics"),
        ]
    ]
