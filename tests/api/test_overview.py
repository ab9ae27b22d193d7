"""The one rule for "latest" and the one headline set, on the real published files: the overview
page, the API's /practices/<code>/overview and MCP get_practice_overview show the same figures."""

from __future__ import annotations

import re
from html import unescape

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.mcp.registry import ToolContext, registry
from portal.models import PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.benchmarks import benchmark_or_national, group_values
from portal.queries.latest import latest_period, latest_periods, practices_latest_periods
from portal.queries.overview import HEADLINES, headline_figures
from portal.queries.practices import get_practice
from tests.api.conftest import make_key
from tests.conftest import published_files

pytestmark = pytest.mark.realdata

OPEN = "A81001"  # in both registered-patients files; a North East practice: no GPAD rows
PATIENTS = "patients_registered/gp-reg-pat-prac-all_{}.csv"


def list_sizes(nhs_data, edition: str) -> dict[str, float]:
    frame = pd.read_csv(nhs_data / PATIENTS.format(edition))
    frame = frame[(frame["SEX"] == "ALL") & (frame["AGE"] == "ALL")]
    return dict(zip(frame["CODE"], frame["NUMBER_OF_PATIENTS"].astype(float), strict=True))


@pytest.fixture(scope="module")
def gone() -> str:
    """A practice in January 2021's list but not December 2025's (closed or merged since)."""
    before = list_sizes(published_files(), "2021-01_CCG-layout")
    after = list_sizes(published_files(), "2025-12")
    return sorted(set(before) - set(after))[0]


def test_a_metric_s_latest_is_the_newest_period_any_practice_has(real_app):
    """The benchmarks' latest period (one row per period) is the practice values' newest."""
    t = PracticeMetric.__table__
    with real_app.app_context():
        newest = dict(
            db.session.execute(
                sa.select(t.c.metric, sa.func.max(t.c.period)).group_by(t.c.metric)
            ).all()
        )
        assert latest_periods() == newest
        assert latest_periods(["list_size", "dna_rate"]) == {
            m: newest[m] for m in ("list_size", "dna_rate")
        }


def test_a_practice_s_latest_is_its_own(real_app, nhs_data, gone):
    with real_app.app_context():
        assert latest_period("list_size") == "2025-12"
        assert latest_period("list_size", OPEN) == "2025-12"
        assert latest_period("list_size", gone) == "2021-01"
        assert latest_period("dna_rate", OPEN) is None  # no GPAD rows: the caller falls back
        assert practices_latest_periods([gone], ["list_size"]) == {"list_size": "2021-01"}
        assert practices_latest_periods([gone, OPEN], ["list_size"]) == {"list_size": "2025-12"}
        assert practices_latest_periods([], ["list_size"]) == {}


def test_headlines_follow_the_rule_with_real_figures(real_app, nhs_data, gone):
    """Each headline in the practice's own latest period. For a practice missing from the newest
    file that was wrong before: the overview (MCP) showed no figure in the national latest while
    the page showed its last; now both show its last, with its period."""
    sizes = {"2025-12": list_sizes(nhs_data, "2025-12"),
             "2021-01": list_sizes(nhs_data, "2021-01_CCG-layout")}  # fmt: skip
    with real_app.app_context():
        for code, period in ((OPEN, "2025-12"), (gone, "2021-01")):
            found = {h.metric: h for h in headline_figures(code)}
            size = found["list_size"]
            assert (size.practice.period, size.practice.value) == (period, sizes[period][code])
            england = group_values(METRICS["list_size"], period, {"england": ENGLAND})
            assert size.england_total.value == england[0].value
        dna = {h.metric: h for h in headline_figures(OPEN)}["dna_rate"]
        assert dna.practice is None
        assert dna.england_total.period == latest_period("dna_rate") == "2025-10"


def test_headlines_equal_the_benchmark_one_metric_at_a_time(real_app, gone):
    with real_app.app_context():
        for code in (OPEN, gone):
            practice = get_practice(code)
            headlines = headline_figures(code)
            assert [h.metric for h in headlines] == [
                m for m in HEADLINES if latest_period(m) is not None
            ]
            for h in headlines:
                bench = benchmark_or_national(practice, h.metric)
                england = next((g for g in bench.groups if g.level == "england"), None)
                assert h.england_total.value == (england.value if england else None)
                assert h.england_median_practice.value == (england.median if england else None)
                if latest_period(h.metric, code) is None:
                    assert h.practice is None and h.percentile is None
                    continue
                assert h.practice == bench.figure
                assert (h.percentile, h.not_ranked) == (bench.percentile, bench.not_ranked)


def _page_rows(html: str) -> dict[str, dict[str, str]]:
    table = re.search(r'<table[^>]*id="headlines-table".*?</table>', html, re.S).group(0)
    rows = {}
    for metric, row in re.findall(r'<tr[^>]*data-headline="([^"]+)"[^>]*>(.*?)</tr>', table, re.S):
        cells = {
            name: unescape(re.sub(r"<[^>]+>", "", text)).strip()
            for name, text in re.findall(r"<td[^>]*data-([a-z-]+)[^>]*>(.*?)</td>", row, re.S)
        }
        cells["period-code"] = re.search(r'data-period="([^"]+)"', row).group(1)
        rows[metric] = cells
    return rows


def _shown(figure: dict | None) -> str:
    return figure["display"] if figure and figure["value"] is not None else "–"


def test_page_api_and_mcp_show_one_headline_set(real_app, real_api, real_client, gone):
    user_id, _ = make_key(real_app)
    for code in (OPEN, gone):
        api = real_api.json(f"/practices/{code}/overview")
        with real_app.app_context():
            out = registry.get("get_practice_overview").handler(
                ToolContext(user_id=user_id), {"practice": code}
            )
            expected = [h.metric for h in headline_figures(code)]
        page = _page_rows(real_client.get(f"/practices/{code}").get_data(as_text=True))
        mcp = out.structured["figures"]
        assert [f["metric"] for f in api["figures"]] == [f["metric"] for f in mcp] == expected
        assert list(page) == expected
        assert api["sources"] == out.structured["sources"]
        for got, want in zip(api["figures"], mcp, strict=True):
            for key in ("practice", "england_total", "england_median_practice"):
                assert got[key] == want[key], (code, got["metric"], key)
            assert (got["percentile"], got["not_ranked"]) == (
                want["percentile"],
                want["not_ranked"],
            )
            period = (got["practice"] or got["england_total"])["period"]
            row = page[got["metric"]]
            assert row["period-code"] == period
            assert row["practice-value"] == _shown(got["practice"])
            assert row["england-total"] == _shown(got["england_total"])
            assert row["england-median-practice"] == _shown(got["england_median_practice"])
            line = f"| {got['label']} | {period} | {_shown(got['practice'])} | " + (
                f"{_shown(got['england_total'])} | {_shown(got['england_median_practice'])} |"
            )
            assert line in out.text, line
    assert real_api.get("/practices/Y99999/overview").status_code == 404
