"""Browser fixtures: the app on a real HTTP server, Debian Chromium through Playwright, axe-core.

Chromium is the Debian package (/usr/bin/chromium, installed by .ci/run), never a Playwright
download. axe-core and the NHS.UK frontend come from npm via `make assets`.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.extensions import db
from tests.conftest import IN_CI, ROOT, make_app, migrate

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PORTS = range(5700, 5750)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VENDOR_CSS = ROOT / "portal" / "static" / "vendor" / "nhsuk-frontend" / "nhsuk-frontend.min.css"
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def _missing(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


class LiveServer:
    """A werkzeug server for one app in a daemon thread, on the first free port of PORTS."""

    def __init__(self, app):
        for port in PORTS:
            try:
                self.server = make_server("127.0.0.1", port, app, threaded=True)
                break
            except (OSError, SystemExit):
                continue
        else:
            raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def chromium():
    """Per module, not per session: Playwright's sync API runs an asyncio loop in this thread
    while it is open, which the asyncio-based tests after tests/browser must not find."""
    if not CHROMIUM.exists():
        _missing(f"Debian Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    if not AXE.exists() or not VENDOR_CSS.exists():
        _missing("front-end assets are not built: run `make assets`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_real(real_app):
    server = LiveServer(real_app)
    yield server.url
    server.stop()


DEMO_PRACTICES = 200
DEMO_MONTHS = 13


@pytest.fixture(scope="session")
def demo_app(databases, tmp_path_factory):
    """A small synthetic England (every dataset, in the published layouts) on its own database."""
    from portal.ingest.demo import load_demo

    application = make_app(databases.new("demo"), DEMO_DATA=True)
    migrate(application)
    with application.app_context():
        load_demo(
            practices=DEMO_PRACTICES,
            months=DEMO_MONTHS,
            folder=tmp_path_factory.mktemp("demo-files"),
        )
        db.engine.dispose()
    return application


@pytest.fixture(scope="session")
def live_demo(demo_app):
    server = LiveServer(demo_app)
    yield server.url
    server.stop()


@dataclass
class Page:
    """A Playwright page that records console errors and failed requests as it goes."""

    page: object
    base: str
    errors: list[str] = field(default_factory=list)

    def open(self, path: str, status: int = 200):
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response.status == status, f"{path}: {response.status}"
        return response

    def axe_violations(self) -> list[dict]:
        """Serious and critical axe-core violations on the current page."""
        # through DevTools: the page's CSP refuses an inline <script>
        self.page.evaluate(AXE.read_text())
        result = self.page.evaluate(
            "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
            " return JSON.stringify(r.violations); }"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in json.loads(result)
            if v["impact"] in ("serious", "critical")
        ]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name).strip("_") + ".png")
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def check(self, name: str) -> None:
        """The checks every page gets: a screenshot, no serious axe violations, no console errors."""
        self.screenshot(name)
        assert self.axe_violations() == []
        assert self.errors == []


def _page(chromium, base: str, **context_options):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    wrapper = Page(page, base)
    page.on(
        "console",
        lambda msg: wrapper.errors.append(f"console: {msg.text}") if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: wrapper.errors.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: wrapper.errors.append(f"request failed: {req.url}"))
    return context, wrapper


@pytest.fixture
def browser_page(chromium, live_real):
    context, page = _page(chromium, live_real)
    yield page
    context.close()


@pytest.fixture
def demo_page(chromium, live_demo):
    context, page = _page(chromium, live_demo)
    yield page
    context.close()


@pytest.fixture
def no_js_page(chromium, live_real):
    context, page = _page(chromium, live_real, java_script_enabled=False)
    yield page
    context.close()
