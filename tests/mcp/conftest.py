"""MCP tests run over real HTTP: the app served by werkzeug in a thread on 127.0.0.1 (ports
5800-5849), on a database loaded once with a small synthetic England, with tokens minted
through the OAuth server's own functions (register, authorise with PKCE, exchange)."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import httpx
import pytest
from werkzeug.serving import make_server

from portal.accounts import create_user, grant_role
from portal.extensions import db
from tests.conftest import make_app, migrate
from tests.mcp.oauth_flow import mint_token

PORTS = range(5800, 5850)
PASSWORD = "correct horse battery"


def serve(app):
    """Start `app` on the first free port of our range; returns (server, base_url)."""
    for port in PORTS:
        if not _port_free(port):
            continue
        try:
            server = make_server("127.0.0.1", port, app, threaded=True)
        except (OSError, SystemExit):  # werkzeug exits when the port was taken meanwhile
            continue
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        return server, f"http://127.0.0.1:{port}"
    raise RuntimeError("no free port in 5800-5849")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    for port in PORTS:
        if _port_free(port):
            return port
    raise RuntimeError("no free port in 5800-5849")


@dataclass
class Live:
    app: object
    base: str
    url: str  # the MCP endpoint
    token: str  # alice: an active role at MEMBER_PRACTICE
    member_practice: str
    other_practice: str

    def headers(self, token: str | None = None, **extra) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {token or self.token}",
            "Accept": "application/json, text/event-stream",
            "Content-Type": "application/json",
            "MCP-Protocol-Version": "2025-11-25",
        }
        headers.update(extra)
        return headers

    def post(self, message, token: str | None = None, **extra_headers) -> httpx.Response:
        return httpx.post(self.url, json=message, headers=self.headers(token, **extra_headers))

    def rpc(self, method: str, params: dict | None = None, token: str | None = None) -> dict:
        message = {"jsonrpc": "2.0", "id": 1, "method": method}
        if params is not None:
            message["params"] = params
        response = self.post(message, token)
        assert response.status_code == 200, response.text
        return response.json()

    def call(self, name: str, arguments: dict | None = None, token: str | None = None) -> dict:
        body = self.rpc("tools/call", {"name": name, "arguments": arguments or {}}, token)
        return body["result"]


@pytest.fixture(scope="session")
def mcp_data(databases, tmp_path_factory):
    """A migrated database with a small synthetic England (every demo dataset), once."""
    from portal.ingest import demo

    url = databases.new("mcp")
    app = make_app(url)
    migrate(app)
    writers = list(demo.DEMO_WRITERS)
    try:  # every dataset, whether or not the activity writer is wired into the demo yet
        from portal.ingest.demo_activity import write_activity

        if write_activity not in demo.DEMO_WRITERS:
            demo.DEMO_WRITERS.append(write_activity)
    except ImportError:
        pass
    try:
        with app.app_context():
            demo.load_demo(
                practices=60, months=6, seed=7, folder=tmp_path_factory.mktemp("mcp-demo")
            )
    finally:
        demo.DEMO_WRITERS[:] = writers
    with app.app_context():
        create_user("alice@example.org", PASSWORD)
        create_user("bob@example.org", PASSWORD)
        from portal.models import Practice

        codes = db.session.scalars(
            db.select(Practice.code).where(Practice.status == "active").order_by(Practice.code)
        ).all()
        grant_role("alice@example.org", codes[0])
        db.engine.dispose()
    return url, codes[0], codes[1]


@pytest.fixture(scope="session")
def live(mcp_data):
    url, member, other = mcp_data
    app = make_app(url, WTF_CSRF_ENABLED=True)  # the endpoint must be CSRF-exempt
    server, base = serve(app)
    app.config["PUBLIC_BASE_URL"] = base
    token = mint_token(app, "alice@example.org", base)
    yield Live(app, base, base + "/mcp/", token, member, other)
    server.shutdown()
    with app.app_context():
        db.engine.dispose()
