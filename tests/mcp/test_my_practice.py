"""'My practice': the server's instructions and list_my_practices tell a model how to find it,
and get_practice_overview without a practice answers for the caller's one active practice."""

from __future__ import annotations

from portal.accounts import create_user, find_user, grant_role
from portal.models import Practice
from tests.accounts_support import PASSWORD
from tests.mcp.oauth_flow import mint_token


def test_instructions_and_descriptions_name_list_my_practices_for_my_practice(live):
    instructions = live.rpc(
        "initialize",
        {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    )["result"]["instructions"]
    assert "'my practice'" in instructions and "list_my_practices" in instructions
    tools = {t["name"]: t for t in live.rpc("tools/list")["result"]["tools"]}
    assert "'my practice'" in tools["list_my_practices"]["description"]
    assert "practice" not in tools["get_practice_overview"]["inputSchema"].get("required", [])


def test_overview_without_a_practice_is_the_callers_only_practice(live):
    mine = live.call("get_practice_overview", {})
    named = live.call("get_practice_overview", {"practice": live.member_practice})
    assert mine["isError"] is False
    assert mine["structuredContent"]["practice"]["code"] == live.member_practice
    assert mine == named


def test_overview_without_a_practice_and_no_role_says_what_to_do(live):
    token = mint_token(live.app, "bob@example.org", live.base)
    result = live.call("get_practice_overview", {}, token=token)
    assert result["isError"] is True
    assert result["content"][0]["text"] == (
        "You hold no active role at a practice, so there is no 'my practice': name one by ODS "
        "code (search_practices finds it by name, town or postcode)."
    )


def test_overview_without_a_practice_and_several_roles_asks_which(live):
    with live.app.app_context():
        if find_user("carol@example.org") is None:
            create_user("carol@example.org", PASSWORD)
            grant_role("carol@example.org", live.member_practice)
            grant_role("carol@example.org", live.other_practice)
        names = {
            p.code: p.name
            for p in Practice.query.filter(
                Practice.code.in_([live.member_practice, live.other_practice])
            )
        }
    token = mint_token(live.app, "carol@example.org", live.base)
    result = live.call("get_practice_overview", {}, token=token)
    assert result["isError"] is True
    listed = ", ".join(f"{code} {name}" for code, name in sorted(names.items(), key=lambda x: x[1]))
    assert result["content"][0]["text"] == (
        f"You hold roles at several practices ({listed}): name one by ODS code."
    )
