"""The MCP Apps chart views in Debian Chromium, as an assistant's host shows them: a host page
iframes the view's HTML (sandboxed, under the default MCP Apps CSP), answers `ui/initialize`,
then delivers a real tool result fetched from the live /mcp/ endpoint on the real published
files (and one on the synthetic England, for the SYNTHETIC marker). Each view's table must show
the tool's structuredContent figures, its canvas must be drawn, and axe-core must find nothing
serious inside it. With HARESIGN_SCREENSHOTS set, each
view is saved to /work/notes/screenshots/."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
import pytest

from portal.extensions import db
from portal.queries.trend import RULES
from tests.browser.conftest import AXE
from tests.mcp.oauth_flow import mint_token

CODE = "A81001"  # THE DENSHAM SURGERY: in the real epraccur, patients and online consultation files
OTHERS = ["A81002", "A81004"]
EMAIL = "mcp-apps@example.org"
SCREENSHOTS = Path("/work/notes/screenshots")
# What a host MUST apply when the resource declares no csp (ext-apps apps.mdx, MCP-2026.md §1)
DEFAULT_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; media-src 'self' data:; connect-src 'none'"
)

# The host side of the ext-apps protocol: JSON-RPC 2.0 over postMessage with the view's iframe.
HOST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Test host</title></head>
<body style="margin:0">
<iframe id="view" title="Chart view" sandbox="allow-scripts"
        style="border:0;width:900px;height:700px;display:block"></iframe>
<script>
window.received = [];
window.startView = function (html, csp, args, result) {
  var frame = document.getElementById("view");
  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow) return;
    var m = event.data;
    window.received.push(m);
    var reply = function (message) { frame.contentWindow.postMessage(message, "*"); };
    if (m.method === "ui/initialize") {
      reply({jsonrpc: "2.0", id: m.id, result: {
        protocolVersion: "2026-01-26",
        hostInfo: {name: "pytest-host", version: "1.0.0"},
        hostCapabilities: {},
        hostContext: {theme: "light", displayMode: "inline", locale: "en-GB",
                      platform: "web", containerDimensions: {maxHeight: 2000}},
      }});
    } else if (m.method === "ui/notifications/initialized") {
      reply({jsonrpc: "2.0", method: "ui/notifications/tool-input", params: {arguments: args}});
      reply({jsonrpc: "2.0", method: "ui/notifications/tool-result", params: result});
    } else if (m.method === "ui/notifications/size-changed") {
      frame.style.height = m.params.height + "px";
    }
  });
  var meta = '<meta http-equiv="Content-Security-Policy" content="' + csp + '">';
  frame.srcdoc = html.replace("<head>", "<head>" + meta);
};
</script>
</body></html>"""


def endpoint(app, base_url: str):
    """`rpc(method, params)` on the app's live /mcp/, with a token minted through OAuth."""
    from portal.accounts import create_user
    from portal.links import public_base_url
    from portal.models import User

    with app.app_context():
        if db.session.scalar(db.select(User).filter_by(email=EMAIL)) is None:
            create_user(EMAIL, "correct horse battery")
        audience = public_base_url()  # the token's audience: what the endpoint checks
        db.session.remove()
    token = mint_token(app, EMAIL, audience)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-11-25",
    }

    def rpc(method: str, params: dict) -> dict:
        body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
        response = httpx.post(base_url + "/mcp/", json=body, headers=headers, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()["result"]

    return rpc


@pytest.fixture(scope="module")
def mcp(real_app, live_real):
    """The live endpoint on the real published files."""
    return endpoint(real_app, live_real)


@pytest.fixture(scope="module")
def demo_mcp(demo_app, live_demo):
    """The live endpoint on the synthetic England (SYNTHETIC results)."""
    return endpoint(demo_app, live_demo)


@pytest.fixture
def host(chromium):
    context = chromium.new_context(viewport={"width": 960, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "request",
        lambda r: errors.append(f"request: {r.url}") if r.url.startswith("http") else None,
    )
    page.set_content(HOST)
    yield page, errors
    context.close()


def show(mcp, host, tool: str, arguments: dict):
    """Read the tool's view, call the tool, hand both to the host page; the view's frame."""
    page, errors = host
    listed = {t["name"]: t for t in mcp("tools/list", {})["tools"]}
    uri = listed[tool]["_meta"]["ui"]["resourceUri"]
    html = mcp("resources/read", {"uri": uri})["contents"][0]["text"]
    result = mcp("tools/call", {"name": tool, "arguments": arguments})
    assert result["isError"] is False, result
    page.evaluate(
        "([html, csp, args, result]) => startView(html, csp, args, result)",
        [html, DEFAULT_CSP, arguments, result],
    )
    frame = page.frame_locator("#view")
    frame.locator("#figure:not([hidden])").wait_for()
    view = next(f for f in page.frames if f != page.main_frame)
    return page, view, result["structuredContent"], errors


def drawn_pixels(view) -> int:
    return view.evaluate(
        """() => { const c = document.getElementById('chart');
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++; return n; }"""
    )


def axe_violations(view) -> list[dict]:
    view.evaluate(AXE.read_text())
    found = view.evaluate(
        "async () => JSON.stringify((await axe.run(document, {resultTypes: ['violations']}))"
        ".violations)"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in json.loads(found)
        if v["impact"] in ("serious", "critical")
    ]


def check(page, view, errors: list[str], name: str) -> None:
    """What every view must pass: the protocol spoken, drawn, accessible, nothing fetched."""
    methods = [m.get("method") for m in page.evaluate("window.received")]
    assert methods[:2] == ["ui/initialize", "ui/notifications/initialized"]
    assert "ui/notifications/size-changed" in methods
    assert drawn_pixels(view) > 1000
    assert axe_violations(view) == []
    assert errors == []  # no CSP violation, script error or network request
    if os.environ.get("HARESIGN_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#view").screenshot(path=str(SCREENSHOTS / f"mcp-app-{name}.png"))


def cells(view, selector: str) -> list[list[tuple[str, str | None]]]:
    """Each row's cells (header first) as (text, data-value)."""
    return view.evaluate(
        """(sel) => Array.from(document.querySelectorAll(sel)).map(tr =>
        Array.from(tr.children).map(c => [c.textContent, c.dataset.value === undefined ? null
        : c.dataset.value]))""",
        selector,
    )


def test_trend_view_draws_the_practice_spc_chart(mcp, host):
    page, view, trend, errors = show(
        mcp, host, "get_trend", {"practice": CODE, "metric": "oc_submissions"}
    )
    assert trend["code"] == CODE and trend["synthetic"] is False
    rows = cells(view, "#tables tbody tr")
    assert [r[0][0] for r in rows] == [p["period"] for p in trend["points"]]
    assert len(rows) > 12  # months of the real Sep 2023 - Mar 2025 file
    for row, point in zip(rows, trend["points"], strict=True):
        assert float(row[1][1]) == point["value"]
        assert float(row[1][0].replace(",", "")) == pytest.approx(point["value"], abs=0.005)
        assert row[2][0] == (", ".join(RULES[s] for s in point["signals"]) or "none")
    assert any(point["signals"] for point in trend["points"])  # the real series has signals
    summary = view.locator("#summary").inner_text()
    assert f"({CODE})" in summary and f"{trend['first']} to {trend['last']}" in summary
    assert "natural process limits" in summary
    assert view.locator("#synthetic").is_hidden()
    assert trend["source"]["publication"] in view.locator("#source").inner_text()
    check(page, view, errors, "trend")


def test_benchmark_view_places_the_practice_in_england(mcp, host):
    page, view, bench, errors = show(
        mcp, host, "get_benchmark", {"practice": CODE, "metric": "list_size"}
    )
    assert bench["practice_has_figure"] is True and bench["synthetic"] is False
    rows = {r[0][0]: r[1] for r in cells(view, "#tables tbody tr")}
    practice = f"{bench['practice']['name']} ({CODE})"
    assert rows[practice][0] == bench["practice_figure"]["display"]
    assert float(rows[practice][1]) == bench["practice_figure"]["value"]
    assert float(rows["National percentile"][1]) == bench["national_percentile"]
    assert rows["England (all practices)"][0] == bench["england"]["display"]
    d = bench["national_distribution"]
    assert float(rows["Median practice in England"][1]) == d["median"]
    assert float(rows["Open practices in the distribution"][1]) == d["n"]
    assert [float(rows[f"{(i + 1) * 10}th percentile"][1]) for i in range(9)] == d["deciles"]
    assert float(rows["Lowest practice"][1]) == d["minimum"]
    assert float(rows["Highest practice"][1]) == d["maximum"]
    assert bench["period"] in view.locator("#source").inner_text()
    check(page, view, errors, "benchmark")


def test_compare_view_shows_every_practice_figure(mcp, host):
    metrics = ["list_size", "oc_submissions", "oc_rate_per_1000"]
    page, view, compared, errors = show(
        mcp, host, "compare_practices", {"practices": [CODE, *OTHERS], "metrics": metrics}
    )
    assert [p["code"] for p in compared["practices"]] == [CODE, *OTHERS]
    rows = {tr[0][0]: tr[1:] for tr in cells(view, "#tables tbody tr")}
    for p in compared["practices"]:
        shown = rows[f"{p['code']} {p['name']}"]
        expected = [p["figures"][m]["display"] if p["figures"][m] else "–" for m in metrics]
        assert [text for text, _ in shown] == expected, p["code"]
    england = [c["england"]["display"] if c["england"] else "–" for c in compared["metrics"]]
    assert [text for text, _ in rows["England (all practices)"]] == england
    assert view.locator("#metric").input_value() == "list_size"
    england_total = compared["metrics"][0]["england"]["display"]  # a sum: not drawn to scale
    summary = view.locator("#summary").inner_text()
    assert f"England {england_total} (all practices together, not drawn)." in summary
    view.locator("#metric").select_option("oc_rate_per_1000")  # a rate: England is drawn
    rate = compared["metrics"][2]["england"]["display"]
    assert view.locator("#summary").inner_text().endswith(f"; England {rate}.")
    check(page, view, errors, "compare")


def test_a_synthetic_result_carries_the_synthetic_marker(demo_mcp, demo_app, host):
    from portal.models import Practice

    with demo_app.app_context():
        code = db.session.scalar(
            db.select(Practice.code).where(Practice.status == "active").order_by(Practice.code)
        )
        db.session.remove()
    page, view, trend, errors = show(
        demo_mcp, host, "get_trend", {"practice": code, "metric": "dna_rate"}
    )
    assert trend["synthetic"] is True
    marker = view.locator("#synthetic")
    assert marker.is_visible()
    assert marker.inner_text() == "SYNTHETIC demo data, not real NHS figures."
    rows = cells(view, "#tables tbody tr")
    assert [(r[0][0], float(r[1][1])) for r in rows] == [
        (p["period"], p["value"]) for p in trend["points"]
    ]
    check(page, view, errors, "trend-synthetic")
