"""get_group_overview over real HTTP on a small synthetic England, and parity: the group page's
members table, the API's JSON and the tool's structuredContent carry the same figures, each
equal to a ratio of sums of the member practices' stored facts computed here."""

from __future__ import annotations

import html as htmllib
import re

import httpx
import pytest
import sqlalchemy as sa

from portal.catalogue import METRICS, format_value
from portal.extensions import db
from portal.models import Practice, PracticeMetric
from portal.statistics.intervals import load_libraries
from tests.api.conftest import make_key

METRIC = "dna_rate"


@pytest.fixture(scope="module")
def pcn(live) -> tuple[str, str, list[tuple]]:
    """The member practice's PCN, its latest DNA-rate period and its members' stored facts."""
    load_libraries()  # scipy and statsmodels take seconds to import: not inside a timed call
    with live.app.app_context():
        code = db.session.get(Practice, live.member_practice).pcn_code
        pm, p = PracticeMetric.__table__, Practice.__table__
        period = db.session.execute(
            sa.select(sa.func.max(pm.c.period)).where(pm.c.metric == METRIC)
        ).scalar()
        facts = db.session.execute(
            sa.select(pm.c.practice_code, pm.c.value, pm.c.numerator, pm.c.denominator)
            .join(p, p.c.code == pm.c.practice_code)
            .where(pm.c.metric == METRIC, pm.c.period == period, p.c.pcn_code == code)
        ).all()
    return code, period, facts


def test_the_tool_is_listed_read_only_with_schemas_and_icons(live):
    tools = {t["name"]: t for t in live.rpc("tools/list")["result"]["tools"]}
    tool = tools["get_group_overview"]
    assert tool["title"] == "PCN, ICB or region overview"
    assert tool["annotations"]["readOnlyHint"] is True
    assert tool["inputSchema"]["required"] == ["group"]
    assert "pcn:U12345" in tool["inputSchema"]["properties"]["group"]["description"]
    assert tool["outputSchema"]["type"] == "object"
    assert tool["icons"][0]["mimeType"] == "image/svg+xml"
    assert "search_practices" in tools  # practice search stays as it was


def test_group_value_is_the_ratio_of_sums_of_its_members(live, pcn):
    code, period, facts = pcn
    expected = sum(f.numerator for f in facts) / sum(f.denominator for f in facts) * 100
    result = live.call("get_group_overview", {"group": f"pcn:{code}", "metric": METRIC})
    assert result["isError"] is False, result
    c = result["structuredContent"]["comparison"]
    assert c["period"] == period
    assert c["group_value"] == pytest.approx(expected, rel=1e-12)
    assert c["group_display"] == format_value(METRICS[METRIC], expected)
    values = {m["code"]: m["value"] for m in c["members"]}
    assert values == {f.practice_code: f.value for f in facts} | {
        k: None for k in values if k not in {f.practice_code for f in facts}
    }
    text = result["content"][0]["text"]
    assert c["group_display"] in text and "SYNTHETIC" in text
    for member in c["members"]:
        assert f"| {member['code']} | {member['display']} |" in text


def test_bare_codes_and_errors(live, pcn):
    code, _, _ = pcn
    bare = live.call("get_group_overview", {"group": code})
    assert bare["isError"] is False
    assert bare["structuredContent"]["group"] == {
        "level": "pcn", "code": code, "name": bare["structuredContent"]["group"]["name"],
        "level_name": "Primary care network",
    }  # fmt: skip
    assert bare["structuredContent"]["comparison"] is None
    for bad in ("pcn:NOPE99", "icb:" + code, "", "x" * 24):
        result = live.call("get_group_overview", {"group": bad})
        assert result["isError"] is True
        assert "No PCN, sub-ICB location, ICB or region" in result["content"][0]["text"]
    wrong_metric = live.call("get_group_overview", {"group": code, "metric": "nonsense"})
    assert wrong_metric["isError"] is True
    assert "Unknown metric 'nonsense'" in wrong_metric["content"][0]["text"]


def _page_members(page: str) -> dict[str, tuple[str, str, str]]:
    start = page.index('id="members-table"')
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r'data-practice="(\w+)">(.*?)</tr>', table, re.S)
    out = {}
    for code, row in rows:
        value = re.search(r"data-value data-sort-value=\"[^\"]*\">([^<]*)<", row).group(1)
        change = re.search(r"data-change data-sort-value=\"[^\"]*\">([^<]*)<", row).group(1)
        band = re.search(r'data-band="([^"]*)"', row).group(1)
        out[code] = (htmllib.unescape(value), htmllib.unescape(change), band)
    return out


@pytest.mark.parametrize("sort", ["name", "-value"])
def test_page_api_and_tool_carry_the_same_figures(live, pcn, sort):
    code, _, _ = pcn
    _, secret = make_key(live.app)
    api = httpx.get(
        f"{live.base}/api/v1/organisations/pcn/{code}/overview",
        params={"metric": METRIC, "sort": sort},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 200, api.text
    api_json = api.json()
    tool = live.call("get_group_overview", {"group": f"pcn:{code}", "metric": METRIC, "sort": sort})
    assert tool["structuredContent"] == api_json  # one shape, one set of figures
    page = httpx.get(f"{live.base}/pcns/{code}", params={"metric": METRIC, "sort": sort}).text
    shown = _page_members(page)
    members = api_json["comparison"]["members"]
    assert list(shown) == [m["code"] for m in members]  # the same order
    for m in members:
        assert shown[m["code"]] == (
            m["display"],
            m["change_display"] or "–",
            m["funnel_band"] or "",
        )
    group = re.search(rf'data-group-value="{METRIC}">([^<]*)<', page).group(1)
    assert group == api_json["comparison"]["group_display"]
    headline = {h["figure"]["metric"]: h for a in api_json["areas"] for h in a["headlines"]}
    for metric_id, h in headline.items():
        row = re.search(rf'data-metric="{metric_id}">(.*?)</tr>', page, re.S).group(1)
        assert re.search(r"data-value>([^<]*)<", row).group(1) == htmllib.escape(
            h["figure"]["display"], quote=False
        )
    members_api = httpx.get(
        f"{live.base}/api/v1/organisations/pcn/{code}/members/{METRIC}",
        params={"sort": sort, "page_size": 500},
        headers={"Authorization": f"Bearer {secret}"},
    ).json()
    assert members_api["results"] == members
