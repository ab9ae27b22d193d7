"""list_my_groups and get_benchmark(within="group:<id>") over real MCP HTTP: the caller's own
groups only, the group's value as the query layer computes it, and another user's group the
same "not found or access denied" as a missing one."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from portal.accounts import find_user
from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import Practice, PracticeMetric
from portal.queries import saved_groups as sg
from tests.mcp.oauth_flow import mint_token


@pytest.fixture(scope="module")
def alices_group(live):
    with live.app.app_context():
        alice = find_user("alice@example.org")
        codes = db.session.scalars(
            sa.select(Practice.code).where(Practice.status == "active").order_by(Practice.code)
        ).all()[:4]
        group = sg.create_group(alice, "North | locality")
        for code in codes:
            sg.add_practice(alice, group.id, code)
        group_id = group.id
    warm = {"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "get_benchmark", "arguments": {"metric": "dna_rate", "practice": codes[0]}}}  # fmt: skip
    httpx.post(live.url, json=warm, headers=live.headers(), timeout=120)  # first call is slow
    yield group_id, codes
    with live.app.app_context():
        sg.delete_group(find_user("alice@example.org"), group_id)


def test_list_my_groups_is_read_only_and_lists_only_mine(live, alices_group):
    group_id, codes = alices_group
    tools = {t["name"]: t for t in live.rpc("tools/list")["result"]["tools"]}
    spec = tools["list_my_groups"]
    assert spec["title"] == "My saved groups" and spec["annotations"]["readOnlyHint"] is True
    assert spec["icons"] and spec["outputSchema"]["type"] == "object"
    result = live.call("list_my_groups")
    assert result["isError"] is False
    listed = result["structuredContent"]["groups"]
    listed[0]["practices"].sort()  # by practice name
    assert listed == [
        {
            "id": group_id,
            "within": f"group:{group_id}",
            "name": "North | locality",
            "practices": sorted(codes),
        }  # fmt: skip
    ]
    text = result["content"][0]["text"]
    assert f"| group:{group_id} | North \\| locality | " in text and codes[0] in text
    bob = mint_token(live.app, "bob@example.org", live.base)
    empty = live.call("list_my_groups", token=bob)
    assert empty["structuredContent"]["groups"] == []
    assert empty["content"][0]["text"].startswith("You have no saved groups.")


def test_benchmark_within_my_group_is_the_ratio_of_sums(live, alices_group):
    group_id, codes = alices_group
    result = live.call(
        "get_benchmark",
        {"metric": "dna_rate", "practice": codes[0], "within": f"group:{group_id}"},
    )
    assert result["isError"] is False, result["content"]
    body = result["structuredContent"]
    period = body["period"]
    with live.app.app_context():
        t = PracticeMetric.__table__
        rows = db.session.execute(
            sa.select(t.c.numerator, t.c.denominator).where(
                t.c.metric == "dna_rate", t.c.period == period, t.c.practice_code.in_(codes)
            )
        ).all()
    expected = sum(n for n, _ in rows) / sum(d for _, d in rows) * METRICS["dna_rate"].scale
    group = body["group"]
    assert (group["level"], group["code"], group["name"]) == ("group", str(group_id),
                                                              "North | locality")  # fmt: skip
    assert group["value"] == pytest.approx(expected) and group["practices"] == len(rows)
    assert "North | locality (your saved group), all practices" in result["content"][0]["text"]


def test_another_users_group_is_the_same_answer_as_a_missing_one(live, alices_group):
    group_id, codes = alices_group
    bob = mint_token(live.app, "bob@example.org", live.base)
    answers = [
        live.call(
            "get_benchmark",
            {"metric": "dna_rate", "practice": codes[0], "within": within},
            token=bob,
        )  # fmt: skip
        for within in (f"group:{group_id}", "group:999999999")
    ]
    assert answers[0] == answers[1]
    assert answers[0]["isError"] is True
    assert answers[0]["content"][0]["text"] == "Not found or access denied."
    bad = live.call("get_benchmark", {"metric": "dna_rate", "practice": codes[0],
                                      "within": "group:x"})  # fmt: skip
    assert bad["isError"] is True
    assert bad["content"][0]["text"] == (
        "Argument 'within' must be one of: england, region, icb, sub_icb, pcn, peers, group:<id>"
    )
