"""The official `mcp` Python client (2.x) in each of its modes against the one endpoint: auto
(it probes server/discover and must arrive as 2026-07-28), pinned to 2026-07-28 (no probe) and
legacy (initialize at 2025-11-25); the same tools, figures, resources and prompt in each."""

from __future__ import annotations

import json

import anyio
import httpx2
import pytest
from mcp.client.client import Client
from mcp.client.streamable_http import streamable_http_client

from portal.mcp.registry import registry

MODES = {"auto": "2026-07-28", "2026-07-28": "2026-07-28", "legacy": "2025-11-25"}


def session(live, mode: str):
    """Everything the tests compare, from one connection in `mode`."""

    async def main():
        headers = {"Authorization": f"Bearer {live.token}"}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            transport = streamable_http_client(live.url, http_client=http)
            async with Client(transport, mode=mode) as client:
                tools = (await client.list_tools()).tools
                mine = await client.call_tool("list_my_practices", {})
                catalogue = await client.read_resource("haresign://catalogue/metrics")
                prompt = await client.get_prompt(
                    "practice_overview", {"practice": live.member_practice}
                )
                return {
                    "version": client.protocol_version,
                    "server": client.server_info,
                    "tools": [(t.name, t.title, t.annotations.read_only_hint) for t in tools],
                    "mine": mine.structured_content,
                    "catalogue": json.loads(catalogue.contents[0].text),
                    "prompt": prompt.messages[0].content.text,
                }

    return anyio.run(main)


@pytest.fixture(scope="module")
def sessions(live):
    return {mode: session(live, mode) for mode in MODES}


@pytest.mark.parametrize(("mode", "version"), list(MODES.items()))
def test_each_mode_arrives_at_its_version(sessions, mode, version):
    assert sessions[mode]["version"] == version


def test_every_era_sees_the_same_server(sessions, live):
    legacy = sessions["legacy"]
    assert legacy["tools"] == [(s.name, s.title, True) for s in registry.all()]
    assert legacy["mine"]["practices"][0]["code"] == live.member_practice
    for mode in ("auto", "2026-07-28"):
        for key in ("tools", "mine", "catalogue", "prompt"):
            assert sessions[mode][key] == legacy[key], (mode, key)
    assert sessions["auto"]["server"].name == legacy["server"].name == "haresign"
    assert sessions["2026-07-28"]["server"] is None  # pinned: no discover, no serverInfo yet
