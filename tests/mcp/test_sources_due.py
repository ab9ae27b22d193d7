"""When each publication's next edition is due: the same words on the data sources page, in MCP's
sources resource and in the API, from the one schedule (portal/fetch/schedule.py)."""

from __future__ import annotations

import json
import re

import httpx

from portal.fetch.schedule import next_update_due
from portal.queries.datasets import loaded_datasets
from portal.sources import SOURCES


def test_next_update_due_is_the_same_on_the_page_mcp_and_api(live):
    with live.app.app_context():
        loaded = {d.dataset: d for d in loaded_datasets()}
    want = {
        s: loaded[s].next_update_due if s in loaded else next_update_due(s, None) for s in SOURCES
    }
    assert want["gpad"] == next_update_due("gpad", loaded["gpad"].latest)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", want["gpad"])  # a monthly edition: a date

    page = httpx.get(f"{live.base}/docs/data-sources").text
    shown = dict(re.findall(r'data-next-update="([^"]+)">([^<]*)</td>', page))
    assert shown == want

    read = live.rpc("resources/read", {"uri": "haresign://sources"})
    sources = json.loads(read["result"]["contents"][0]["text"])["sources"]
    assert {s["dataset"]: s["next_update_due"] for s in sources} == want
