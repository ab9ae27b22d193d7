"""Parity over HTTP: get_trend on the MCP endpoint, the API's trend endpoint and the area page
give one chart (points, signals, mean, limits, trial flag) for each practice and metric."""

from __future__ import annotations

import re

import httpx

from portal.catalogue import METRICS, format_value
from tests.api.conftest import make_key


def test_tool_api_and_page_give_one_chart(live):
    _, secret = make_key(live.app)
    headers = {"Authorization": f"Bearer {secret}"}
    code = live.member_practice
    for metric, area in (("dna_rate", "appointments"), ("calls_answered_rate", "telephony")):
        result = live.call("get_trend", {"practice": code, "metric": metric})
        assert result["isError"] is False, result
        tool = result["structuredContent"]
        api = httpx.get(f"{live.base}/api/v1/practices/{code}/trends/{metric}", headers=headers)
        assert api.status_code == 200
        assert tool == api.json()
        assert tool["trial"] is True  # the demo has fewer than 12 months
        text = result["content"][0]["text"]
        assert "Trial limits: fewer than 12 values made them" in text
        assert "SYNTHETIC demo data" in text
        for p in tool["points"]:
            row = f"| {p['period']} | {format_value(METRICS[metric], p['value'])} |"
            assert row in text

        page = httpx.get(f"{live.base}/practices/{code}/{area}").text
        summary = re.search(rf'<p [^>]*data-spc="{metric}"[^>]*>', page).group(0)
        for key in ("mean", "lower", "upper"):
            assert float(re.search(rf'data-{key}="([^"]+)"', summary).group(1)) == tool[key]
        assert 'data-trial="true"' in summary
        assert "These are trial limits" in page
        table = page[page.index(f'id="{metric.replace("_", "-")}-spc-table"') :]
        rows = re.findall(r'<tr class="nhsuk-table__row" data-period="([^"]+)" '
                          r'data-signals="([^"]*)"', table.split("</table>")[0])  # fmt: skip
        assert rows == [(p["period"], " ".join(p["signals"])) for p in tool["points"]]


def test_an_annual_metric_is_a_tool_error_naming_the_monthly_ones(live):
    result = live.call(
        "get_trend", {"practice": live.member_practice, "metric": "qof_achievement_pct"}
    )
    assert result["isError"] is True
    text = result["content"][0]["text"]
    assert text.startswith(
        "qof_achievement_pct comes from an annual publication (Quality and Outcomes Framework, "
        "achievement): too few points for an SPC chart. Monthly metrics: list_size, "
    )
