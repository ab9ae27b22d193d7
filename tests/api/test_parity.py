"""The API shows the same figures as the pages and the MCP tools (one query layer)."""

import re

from portal.mcp.registry import ToolContext, registry
from portal.models import User
from tests.api.conftest import make_key


def _cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)
        ]
        for r in rows
    ]


def test_overview_page_and_api_show_the_same_list_size(real_api, real_client):
    html = real_client.get("/practices/A81001").get_data(as_text=True)
    page_value = re.search(r'data-metric="list_size">([\d,]+)<', html).group(1)
    bench = real_api.json("/benchmarks/list_size", practice="A81001")
    assert bench["figure"]["display"] == page_value
    assert bench["figure"]["source"] in html
    comparators = _cells(html, "list-size-comparators")[1:]
    page_groups = {row[0]: row[2] for row in comparators[1:]}
    assert page_groups == {g["name"]: g["display"] for g in bench["groups"]}
    detail = real_api.json("/practices/A81001")
    assert detail["name"] in html


def test_area_page_and_api_show_the_same_panels(real_api, real_client):
    html = real_client.get("/practices/A81001/registered-patients").get_data(as_text=True)
    body = real_api.json("/practices/A81001/registered-patients")
    for panel in body["panels"]:
        figure = panel["benchmark"]["figure"]
        assert figure["display"] in html
        assert figure["source"] in html
    page_bands = {row[0]: row[1:] for row in _cells(html, "age-sex-table")[1:]}
    for band in body["age_pyramid"]["bands"]:
        assert page_bands[band["label"]] == [f"{band['male']:,}", f"{band['female']:,}"]


def test_mcp_tool_and_api_give_the_same_figures(real_app, real_api):
    user_id, _ = make_key(real_app)
    tool = registry.get("get_registered_patients")
    with real_app.app_context():
        ctx = ToolContext(user_id=user_id)
        assert ctx.user is not None and isinstance(ctx.user, User)
        result = tool.handler(ctx, {"practice": "A81001", "months": 24}).structured
    body = real_api.json("/practices/A81001/registered-patients")
    api_panels = {p["metric"]["id"]: p for p in body["panels"]}
    assert {m["metric"] for m in result["metrics"]} == set(api_panels)
    for metric in result["metrics"]:
        panel = api_panels[metric["metric"]]
        assert metric["latest"] == panel["benchmark"]["figure"]
        assert metric["groups"] == panel["benchmark"]["groups"]
        assert metric["trend"] == panel["trend"]
    bench = real_api.json("/benchmarks/list_size", practice="A81001")
    with real_app.app_context():
        out = registry.get("get_benchmark").handler(
            ToolContext(user_id=user_id), {"metric": "list_size", "practice": "A81001"}
        )
    assert out.structured["practice_figure"] == bench["figure"]
    assert out.structured["national_percentile"] == bench["percentile"]
    assert out.structured["national_distribution"] == bench["distribution"]
    england = next(g for g in bench["groups"] if g["level"] == "england")
    assert out.structured["england"] == england
