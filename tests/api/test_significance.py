"""Intervals and significance on every surface, from the real GPAD file: a practice's DNA rate
interval is the Wilson interval of its DNA and total counts read here from the file, its
significance against each group is that interval against the group's value, and the API, the
page and the MCP tool (structured and text) say the same."""

from __future__ import annotations

import math
import re
from functools import cache

import pandas as pd
import pytest

from portal.mcp.registry import ToolContext, registry
from tests.api.conftest import make_key

GPAD = "gpad/Practice_Level_Crosstab_Oct_25_London_East_South.csv.gz"
KEY = ["GP_CODE", "HCP_TYPE", "APPT_MODE", "NATIONAL_CATEGORY", "TIME_BETWEEN_BOOK_AND_APPT",
       "APPT_STATUS"]  # fmt: skip
Z = {"95%": 1.959963984540054, "99.8%": 3.090232306167813}


def wilson(count: float, total: float, z: float) -> tuple[float, float]:
    """Wilson's score interval (Newcombe 1998, method 3), written out, as %."""
    p = count / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (centre - spread) / denominator * 100, (centre + spread) / denominator * 100


@pytest.fixture
def dna(nhs_data) -> pd.DataFrame:
    return dna_counts(nhs_data / GPAD)


@cache
def dna_counts(path) -> pd.DataFrame:
    """DNA and all appointments per practice, one row per dimension key (as GPAD is read)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False).drop_duplicates(KEY)
    frame["count"] = frame["COUNT_OF_APPOINTMENTS"].astype(int)
    frame["dna"] = frame["count"].where(frame["APPT_STATUS"] == "DNA", 0)
    return frame.groupby("GP_CODE")[["dna", "count"]].sum()


def expected_word(interval: tuple[float, float], value: float) -> str:
    lower, upper = interval
    if upper < value:
        return "better"  # the DNA rate: lower is better
    return "worse" if lower > value else "similar"


def test_dna_rate_intervals_and_significance_on_every_surface(real_app, real_api, real_client,
                                                              dna):  # fmt: skip
    # the largest practice (a wide range of significance words) and the smallest with 5+ DNAs
    code = dna["count"].idxmax()
    counts = dna.loc[code]
    body = real_api.json("/benchmarks/dna_rate", practice=code)
    assert body["figure"]["period"] == "2025-10"
    got = {i["level"]: (i["lower"], i["upper"]) for i in body["intervals"]}
    for level, z in Z.items():
        assert got[level] == pytest.approx(wilson(counts["dna"], counts["count"], z), abs=1e-9)
    groups = {g["level"]: g for g in body["groups"]}
    words = {s["level"]: (s["at_95"], s["at_99_8"]) for s in body["significance"]}
    assert set(words) == set(groups)
    for level, group in groups.items():
        assert words[level] == (
            expected_word(got["95%"], group["value"]),
            expected_word(got["99.8%"], group["value"]),
        )
    assert body["not_compared"] is None

    html = real_client.get(f"/practices/{code}/appointments").get_data(as_text=True)
    shown = re.search(r'data-intervals="dna_rate">(.*?)</p>', html, re.S).group(1)
    assert [f"{i['level']} confidence interval: {i['display']}" for i in body["intervals"]] == (
        shown.strip().removesuffix(".").split("; ")
    )
    panel = html[html.index('id="dna-rate"') :]
    for level, (at_95, at_99_8) in words.items():
        cell = re.search(rf'data-significance="{level}">([^<]*)<', panel).group(1)
        assert cell == f"{at_95}; {at_99_8}"

    user_id, _ = make_key(real_app)
    with real_app.app_context():
        out = registry.get("get_appointments").handler(ToolContext(user_id=user_id),
                                                       {"practice": code})  # fmt: skip
    tool = next(b for b in out.structured["appointments"]["metrics"]
                if b["figure"]["metric"] == "dna_rate")  # fmt: skip
    assert tool["intervals"] == body["intervals"]
    assert tool["significance"] == body["significance"]
    row = next(line for line in out.text.splitlines() if line.startswith("| Did not attend"))
    assert "; ".join(i["display"] for i in body["intervals"]) in row
    england = groups["england"]
    assert f"{england['display']} ({words['england'][0]}/{words['england'][1]})" in row


def test_too_few_events_are_not_compared_and_say_so(real_api, dna):
    few = dna[(dna["dna"] < 5) & (dna["count"] > 0)]
    code = few.index[0]
    body = real_api.json("/benchmarks/dna_rate", practice=code)
    assert body["intervals"] == []
    assert body["not_compared"] == "too few events to compare (fewer than 5)"
    assert {s["at_95"] for s in body["significance"]} == {"not compared"}


def test_a_count_has_no_interval(real_api, dna):
    body = real_api.json("/benchmarks/appointments_total", practice=dna.index[0])
    assert (body["intervals"], body["significance"], body["not_compared"]) == ([], [], None)
