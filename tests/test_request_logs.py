"""Search text never reaches the request logs: the development server's lines (werkzeug) and
gunicorn's access log keep the path but not the query string (nor a Referer's)."""

from __future__ import annotations

import logging
import time

import httpx
import pytest

from portal.extensions import db
from portal.request_logs import StripQueryStrings
from tests.api.conftest import make_key
from tests.conftest import make_app
from tests.mcp.conftest import serve

SECRET = "Brammar surgery near the station"


def _wait_for(caplog, text: str) -> None:
    """The server logs a request after answering it: wait for that line (not timed)."""
    for _ in range(500):
        if text in caplog.text:
            return
        time.sleep(0.01)
    raise AssertionError(f"no log line with {text!r}:\n{caplog.text}")


def test_the_development_server_logs_no_query_strings(scratch_url, caplog):
    caplog.set_level(logging.INFO, logger="werkzeug")
    app = make_app(scratch_url)
    _, key = make_key(app)
    server, base = serve(app)
    try:
        httpx.get(base + "/search", params={"q": SECRET})
        httpx.get(
            base + "/api/v1/practices/search",
            params={"q": SECRET},
            headers={"Authorization": f"Bearer {key}"},
        )
        httpx.get(base + "/search/suggest", params={"q": SECRET + '"quoted" ?again'})
        _wait_for(caplog, '"GET /search/suggest?[redacted] HTTP/1.1"')
    finally:
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
    assert '"GET /search?[redacted] HTTP/1.1" 200' in caplog.text
    assert '"GET /api/v1/practices/search?[redacted] HTTP/1.1" 200' in caplog.text
    assert "Brammar" not in caplog.text and "station" not in caplog.text


def test_gunicorn_access_lines_lose_the_query_string_and_the_referers(app, caplog):
    caplog.set_level(logging.INFO, logger="gunicorn.access")
    atoms = {
        "h": "203.0.113.9",
        "l": "-",
        "u": "-",
        "t": "[04/Dec/2026:17:00:00 +0000]",
        "r": "GET /search?q=Brammar+surgery HTTP/1.1",
        "s": "200",
        "b": "512",
        "f": "https://haresign.example/search?q=near+the+station",
        "a": "Mozilla/5.0",
    }
    default_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'
    logging.getLogger("gunicorn.access").info(default_format, atoms)
    assert [r.getMessage() for r in caplog.records if r.name == "gunicorn.access"] == [
        '203.0.113.9 - - [04/Dec/2026:17:00:00 +0000] "GET /search?[redacted] HTTP/1.1" 200 512 '
        '"https://haresign.example/search?[redacted]" "Mozilla/5.0"'
    ]


@pytest.mark.parametrize(
    ("line", "logged"),
    [
        (
            '"GET /search?q=Brammar"near the"station HTTP/1.1" 200 -',
            '"GET /search?[redacted] HTTP/1.1" 200 -',
        ),
        (
            "code 400, message Bad request syntax ('GET /search?q=Brammar near station HTTP/1.1')",
            "code 400, message Bad request syntax ('GET /search?[redacted] HTTP/1.1')",
        ),
        ('"GET /practices/A81001 HTTP/1.1" 200 -', '"GET /practices/A81001 HTTP/1.1" 200 -'),
    ],
    ids=["decoded-quotes", "malformed-request-line", "no-query"],
)
def test_every_shape_of_request_line_loses_its_query_string(line, logged):
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, "%s", (line,), None)
    assert StripQueryStrings().filter(record) is True
    assert record.getMessage() == logged
