"""A loopback publisher: an HTTP server on 127.0.0.1 serving edition pages (HTML) and real
files from ../shared/nhs-data by path, refusing library User-Agents with 403 as NHS England's
firewall does, and cutting chosen downloads short."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REFUSED_AGENTS = ("python-httpx", "python-requests", "python-urllib")
PAGES = Path(__file__).parent / "pages"


class Publisher:
    def __init__(self):
        self.pages: dict[str, str] = {}  # path (with query) -> HTML
        self.files: dict[str, Path] = {}  # path -> file served
        self.truncated: set[str] = set()  # paths whose body stops halfway
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def page(self, path: str, template: str, **values: str) -> None:
        """Serve `pages/<template>.html` at `path`, `{name}` filled from `values`."""
        text = (PAGES / f"{template}.html").read_text()
        for name, value in {"files": f"{self.url}/files", **values}.items():
            text = text.replace(f"{{{name}}}", value)
        self.pages[path] = text

    def start(self) -> Publisher:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        publisher = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                agent = self.headers.get("User-Agent", "")
                publisher.requests.append((self.path, agent))
                if agent.lower().startswith(REFUSED_AGENTS):
                    return self._send(403, b"<html>Access denied</html>", "text/html")
                if self.path in publisher.pages:
                    return self._send(200, publisher.pages[self.path].encode(), "text/html")
                if self.path in publisher.files:
                    body = publisher.files[self.path].read_bytes()
                    if self.path in publisher.truncated:
                        return self._send(200, body, "application/octet-stream", cut=True)
                    return self._send(200, body, "application/octet-stream")
                return self._send(404, b"<html>Page not found</html>", "text/html")

            def _send(self, status: int, body: bytes, kind: str, cut: bool = False):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if cut else body)
                self.close_connection = True

            def log_message(self, *args):
                pass

        return Handler
