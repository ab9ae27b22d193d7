"""The official MCP conformance suite (npm @modelcontextprotocol/conformance, pinned in
package.json) against the live endpoint, for each protocol revision we serve: 2025-11-25 and
2026-07-28 (both eras on one endpoint, DESIGN.md §8).

The suite sends no bearer token, so a small loopback proxy in front of the app adds a valid one
(DESIGN.md §8); the proxy is the public origin the app is configured with. Test-only fixture
tools, resources and prompts are registered for the run. What we deliberately do not support
is listed, with reasons, in conformance-expected-failures.yml (2025-11-25) and
conformance-expected-failures-2026.yml; anything else failing, or a listed item passing, fails
this test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from portal.extensions import db
from tests.conftest import IN_CI, ROOT, make_app
from tests.mcp import conformance_fixtures
from tests.mcp.conftest import free_port, mint_token, serve

SUITE = ROOT / "node_modules" / "@modelcontextprotocol" / "conformance" / "dist" / "index.js"
EXPECTED_FAILURES = {
    "2025-11-25": Path(__file__).with_name("conformance-expected-failures.yml"),
    "2026-07-28": Path(__file__).with_name("conformance-expected-failures-2026.yml"),
}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "host"}


def node() -> str | None:
    venv_node = ROOT / ".venv" / "bin" / "node"
    return str(venv_node) if venv_node.exists() else shutil.which("node")


class BearerProxy(ThreadingHTTPServer):
    """Forwards every request to the app unchanged, adding `Authorization: Bearer <token>`."""

    daemon_threads = True

    def __init__(self, port: int):
        self.upstream, self.token = "", ""
        self.http = httpx.Client(timeout=60)
        super().__init__(("127.0.0.1", port), ProxyHandler)

    def handle_error(self, request, client_address) -> None:
        pass  # the suite drops connections (e.g. after a 405 on its GET stream probe)


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _forward(self) -> None:
        server: BearerProxy = self.server  # type: ignore[assignment]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v.strip() for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers["Host"] = self.headers.get("Host", "")  # the suite's Host, as a reverse proxy would
        headers["Authorization"] = f"Bearer {server.token}"
        answer = server.http.request(
            self.command, server.upstream + self.path, headers=headers, content=body
        )
        self.send_response(answer.status_code)
        for key, value in answer.headers.items():
            if key.lower() not in HOP_BY_HOP | {"content-length", "content-encoding"}:
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    do_GET = do_POST = do_DELETE = do_OPTIONS = _forward

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def proxied(mcp_data):
    """The app behind the token-adding proxy, whose origin is the app's public base URL."""
    url, _, _ = mcp_data
    proxy = BearerProxy(free_port())
    public = f"http://127.0.0.1:{proxy.server_address[1]}"
    app = make_app(url, PUBLIC_BASE_URL=public)
    server, proxy.upstream = serve(app)
    proxy.token = mint_token(app, "bob@example.org", public)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        yield public + "/mcp"
    finally:
        proxy.shutdown()
        proxy.http.close()
        server.shutdown()
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("revision", list(EXPECTED_FAILURES))
def test_official_conformance_suite(proxied, tmp_path, revision):
    executable = node()
    if executable is None or not SUITE.exists():
        message = "Node and npm @modelcontextprotocol/conformance are needed (npm ci)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    with conformance_fixtures.registered():
        run = subprocess.run(
            [executable, str(SUITE), "server", "--url", proxied, "--requirements", revision,
             "--expected-failures", str(EXPECTED_FAILURES[revision])],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
    report = run.stdout[-6000:] + run.stderr[-2000:]
    print(report)  # shown with -s: every scenario and check
    assert run.returncode == 0, report
