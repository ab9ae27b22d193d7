"""MCP Apps over real HTTP (MCP-2026.md §1): the three ui:// chart views are listed and read as
self-contained HTML (Chart.js inline, nothing fetched), the tools that feed them point at them
in `_meta`, and the extension is advertised to 2026-07-28 clients while 2025 stays unchanged.
The views drawing real results in Chromium: tests/browser/test_mcp_apps.py."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx

from portal.mcp.apps import bundle
from tests.mcp.test_modern import message, modern_headers

MIME = "text/html;profile=mcp-app"
VIEWS = {
    "ui://haresign/trend.v1.html": "get_trend",
    "ui://haresign/benchmark.v1.html": "get_benchmark",
    "ui://haresign/compare.v1.html": "compare_practices",
}
VOID = {"meta", "link", "br", "hr", "img", "input", "source", "col", "area", "base", "wbr"}


class Document(HTMLParser):
    """The tags of a document, checking every element is closed in order and nothing is fetched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doctype: str | None = None
        self.open: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.unbalanced: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag, attrs) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag) -> None:
        if not self.open or self.open.pop() != tag:
            self.unbalanced.append(tag)


def call(live, name: str, arguments: dict) -> dict:
    """A tools/call with room for a cold first benchmark on a busy machine (httpx's 5 s)."""
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/call"}
    body["params"] = {"name": name, "arguments": arguments}
    response = httpx.post(live.url, json=body, headers=live.headers(), timeout=60)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def read(live, uri: str) -> dict:
    return live.rpc("resources/read", {"uri": uri})["result"]["contents"]


def test_the_three_views_are_listed_as_mcp_apps(live):
    listed = {r["uri"]: r for r in live.rpc("resources/list")["result"]["resources"]}
    for uri in VIEWS:
        assert listed[uri]["mimeType"] == MIME
        assert listed[uri]["name"].endswith("-chart")
        assert listed[uri]["description"]


def test_each_view_is_one_self_contained_html_document_with_chart_js_inline(live):
    chart_js = bundle.CHART_JS.read_text(encoding="utf-8")
    chart_js = re.sub(r"^//# sourceMappingURL=.*$", "", chart_js, flags=re.MULTILINE)
    for uri in VIEWS:
        contents = read(live, uri)
        assert len(contents) == 1
        item = contents[0]
        assert (item["uri"], item["mimeType"]) == (uri, MIME)
        assert item["_meta"] == {"ui": {"prefersBorder": True}}  # no csp: the host's default
        page = item["text"]
        assert page.startswith("<!DOCTYPE html>\n")
        doc = Document()
        doc.feed(page)
        doc.close()
        assert doc.doctype == "DOCTYPE html"
        assert doc.unbalanced == [] and doc.open == []
        tags = [tag for tag, _ in doc.seen]
        assert tags[:3] == ["html", "head", "meta"]
        assert doc.seen[0][1] == {"lang": "en-GB"}
        assert tags.count("title") == 1 and tags.count("body") == 1
        assert chart_js in page  # Chart.js itself, inline
        assert "sourceMappingURL" not in page
        # nothing the default CSP (connect-src 'none', inline script and style) would block
        assert [(t, a) for t, a in doc.seen if {"src", "href", "srcset", "action"} & set(a)] == []
        assert tags.count("link") == 0 and tags.count("iframe") == 0
        assert "@import" not in page and "url(" not in page
        for call in ("fetch(", "XMLHttpRequest", "WebSocket(", "EventSource("):
            assert call not in page.replace(chart_js, "")  # our own scripts never fetch
        assert "ui/initialize" in page and "ui/notifications/tool-result" in page


def test_2026_clients_read_the_views_as_public_cached_resources(live):
    uri = "ui://haresign/trend.v1.html"
    response = httpx.post(
        live.url,
        json=message("resources/read", {"uri": uri}),
        headers=live.headers(**modern_headers("resources/read", {"uri": uri})),
    )
    assert response.status_code == 200, response.text
    body = response.json()["result"]
    assert (body["resultType"], body["ttlMs"], body["cacheScope"]) == (
        "complete",
        300_000,
        "public",
    )
    assert body["contents"][0]["mimeType"] == MIME


def test_without_chart_js_the_read_fails_naming_what_is_missing(live, monkeypatch, tmp_path):
    missing = tmp_path / "chart.umd.js"
    monkeypatch.setattr(bundle, "CHART_JS", missing)
    body = live.rpc("resources/read", {"uri": "ui://haresign/compare.v1.html"})
    assert body["error"] == {
        "code": -32603,
        "message": f"ChartJsMissing: {missing} is not there; run `make assets`",
    }


def test_the_charted_tools_point_at_their_views_and_no_other_tool_does(live):
    tools = {t["name"]: t for t in live.rpc("tools/list")["result"]["tools"]}
    for uri, name in VIEWS.items():
        assert tools[name]["_meta"] == {"ui": {"resourceUri": uri}, "ui/resourceUri": uri}
    others = [n for n, t in tools.items() if "_meta" in t and n not in VIEWS.values()]
    assert others == []


def test_the_charted_tools_still_answer_in_full_text(live):
    """Hosts without MCP Apps, and the model, read the text: the figures are all there."""
    code = live.member_practice
    trend = call(live, "get_trend", {"practice": code, "metric": "dna_rate"})
    bench = call(live, "get_benchmark", {"practice": code, "metric": "dna_rate"})
    pair = {"practices": [code, live.other_practice], "metrics": ["dna_rate", "list_size"]}
    both = call(live, "compare_practices", pair)
    for result in (trend, bench, both):
        assert result["isError"] is False
        assert [c["type"] for c in result["content"]] == ["text"]
        assert "SYNTHETIC demo data, not real NHS figures." in result["content"][0]["text"]
    assert all(
        p["period"] in trend["content"][0]["text"] for p in trend["structuredContent"]["points"]
    )
    figure = bench["structuredContent"]["practice_figure"]
    assert figure["display"] in bench["content"][0]["text"]
    for row in both["structuredContent"]["practices"]:
        assert f"{row['code']} {row['name']}" in both["content"][0]["text"]


def test_2026_discover_advertises_the_extension_and_2025_initialize_is_unchanged(live):
    headers = live.headers(**modern_headers("server/discover"))
    discovered = httpx.post(live.url, json=message("server/discover"), headers=headers).json()
    extensions = discovered["result"]["capabilities"]["extensions"]
    assert extensions == {"io.modelcontextprotocol/ui": {"mimeTypes": [MIME]}}
    init = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "pytest", "version": "1"},
        },
    }
    answer = live.post(init).json()["result"]
    assert answer["capabilities"] == {  # 2025-11-25 has no `extensions`: byte for byte as before
        "tools": {"listChanged": False},
        "resources": {"subscribe": False, "listChanged": False},
        "prompts": {"listChanged": False},
        "completions": {},
    }
