"""Live-server helpers for the OAuth tests: the app on 127.0.0.1 (ports 5600-5649) in a
thread, with PUBLIC_BASE_URL set to its address; a headless 'browser' (httpx with cookies)
that fills in the sign-in and consent forms the way a person would; the authorisation
endpoint's error page read back; and a loopback server of client metadata documents."""

from __future__ import annotations

import html
import json
import re
import socket
import threading
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from werkzeug.serving import make_server

from portal.connections.bearer import require_bearer

PORTS = range(5600, 5640)  # 5640-5649 are left for callback listeners
PASSWORD = "correct horse battery"


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = None
        for port in PORTS:
            try:
                self.server = make_server("127.0.0.1", port, app, threaded=True)
                break
            except (OSError, SystemExit):  # werkzeug exits when the port is taken
                continue
        assert self.server is not None, "no free port in 5600-5639"
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        app.config["PUBLIC_BASE_URL"] = self.url  # the issuer and every link come from it
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def add_protected_route(app) -> None:
    """A test-only resource protected like /mcp/: the bearer check and its 401 challenge."""
    from flask import g, jsonify

    @require_bearer
    def whoami():
        info = g.token_info
        return jsonify(user_id=info.user_id, client_id=info.client_id, scopes=list(info.scopes))

    app.add_url_rule("/_test/whoami", "test_whoami", whoami, methods=["GET", "POST"])


def free_port(candidates=range(5640, 5650)) -> int:
    for port in candidates:
        with socket.socket() as sock:
            # as the servers do: a port whose old connections sit in TIME_WAIT is free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free callback port in 5640-5649")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._current = {
                "action": attrs.get("action") or "",
                "method": attrs.get("method", "get"),
                "inputs": [],
                "buttons": [],
            }
            self.forms.append(self._current)
        elif self._current is not None and tag == "input":
            self._current["inputs"].append(attrs)
        elif self._current is not None and tag == "button":
            self._current["buttons"].append(attrs)

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


class Browser:
    """A person at a browser: signs in when asked, and approves (or denies) consent."""

    def __init__(self, email: str, password: str = PASSWORD, decision: str = "approve"):
        self.email, self.password, self.decision = email, password, decision
        self.http = httpx.Client(follow_redirects=False, timeout=30)
        self.pages: list[str] = []

    def close(self):
        self.http.close()

    def submit(self, url: str, form: dict, extra: dict | None = None) -> httpx.Response:
        data = {}
        for field in form["inputs"]:
            name = field.get("name")
            if not name:
                continue
            kind = field.get("type", "text")
            if kind == "password":
                data[name] = self.password
            elif kind == "email" or name == "email":
                data[name] = self.email
            else:
                data[name] = field.get("value", "")
        data.update(extra or {})
        return self.http.post(urljoin(url, form["action"] or url), data=data)

    def authorize(self, url: str, stop_prefix: str) -> str:
        """Open the authorisation URL and act until the server redirects to `stop_prefix`;
        returns that redirect URL (the client's callback with code or error)."""
        response = self.http.get(url)
        for _ in range(10):
            if response.is_redirect:
                location = urljoin(str(response.url), response.headers["location"])
                if location.startswith(stop_prefix):
                    return location
                response = self.http.get(location)
                continue
            assert response.status_code == 200, (response.status_code, response.text[:500])
            self.pages.append(response.text)
            page_forms = forms(response.text)
            sign_in = [
                f for f in page_forms if any(i.get("type") == "password" for i in f["inputs"])
            ]
            consent = [
                f for f in page_forms if any(b.get("name") == "decision" for b in f["buttons"])
            ]
            if sign_in:
                response = self.submit(str(response.url), sign_in[0])
            elif consent:
                response = self.submit(str(response.url), consent[0], {"decision": self.decision})
            else:
                raise AssertionError("no sign-in or consent form on " + str(response.url))
        raise AssertionError("too many steps")


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


ERROR_PAGE = re.compile(r"<h1>This connection request cannot be used</h1>\s*<p>(.*?)</p>", re.S)
ERROR_MESSAGE = re.compile(r"(.*) \((\w+)\)\. Go back to your AI assistant and try again\.")


def error_page(response: httpx.Response) -> tuple[str, str]:
    """(error, description) of the page /oauth/authorize shows instead of redirecting."""
    assert response.status_code == 400, response.status_code
    assert "location" not in response.headers
    description, error = ERROR_MESSAGE.fullmatch(
        html.unescape(ERROR_PAGE.search(response.text).group(1))
    ).groups()
    return error, description


class DocumentServer:
    """Serves metadata documents on loopback (allowed only because tests set allow_private);
    a path in `trickle` gets a slow-loris answer instead: one byte every half second."""

    def __init__(self):
        self.documents: dict[str, tuple[int, bytes]] = {}
        self.trickle: dict[str, bytes] = {}
        self.stopped = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path in owner.trickle:
                    self.send_slowly(owner.trickle[self.path])
                    return
                status, body = owner.documents.get(self.path, (404, b"{}"))
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "http://127.0.0.1:1/elsewhere")
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def send_slowly(self, start: bytes):
                self.wfile.write(start)
                for _ in range(120):  # a minute at most, then the test has long failed
                    if owner.stopped.wait(0.5):
                        return
                    try:
                        self.wfile.write(b" ")
                    except OSError:  # the fetch gave up and closed the connection
                        return

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, document: dict | bytes, status: int = 200) -> str:
        body = document if isinstance(document, bytes) else json.dumps(document).encode()
        self.documents[path] = (status, body)
        return self.base + path

    def close(self):
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()
