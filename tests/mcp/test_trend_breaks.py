"""A telephony trend across June 2026 (the wait-time method change), on small By Durations files
loaded month by month: get_trend's text and structuredContent, the API's trend, the practice's
telephony page and its trend CSV all name the break; the inbound-calls series does not."""

from __future__ import annotations

import csv
import io

import pytest
from markupsafe import escape

from portal.ingest import load_paths
from portal.mcp.registry import ToolContext, registry
from portal.mcp.tools import register_all
from portal.series_breaks import BREAKS
from tests.accounts_support import add_practices
from tests.api.conftest import make_key
from tests.ingest.test_telephony import fixture

MONTHS = {"2026-04": "April", "2026-05": "May", "2026-06": "June", "2026-07": "July"}
ANSWERED = {"2026-04": 600, "2026-05": 640, "2026-06": 700, "2026-07": 720}  # of 1,000 inbound
BREAK = next(b for b in BREAKS if b.dataset == "telephony")


@pytest.fixture
def loaded(app, tmp_path):
    add_practices(app, "A81001")
    paths = []
    for period, name in MONTHS.items():
        path = tmp_path / f"Cloud Based Telephony By Durations - {name} 2026_Y58.csv"
        rows = [("A81001", "CBT001", "TOTAL", "1000.0"),
                ("A81001", "CBT003", "0", f"{ANSWERED[period] // 2}.0"),
                ("A81001", "CBT003", "1_30", f"{ANSWERED[period] // 2}.0")]  # fmt: skip
        fixture(path, rows, date=f"{period}-01")
        paths.append(path)
    with app.app_context():
        load_paths("telephony", paths)
        register_all(registry)
    user_id, secret = make_key(app)
    return user_id, {"Authorization": f"Bearer {secret}"}


def test_trend_across_june_2026_names_the_break(app, client, loaded):
    user_id, headers = loaded
    api = client.get("/api/v1/practices/A81001/trends/calls_answered_rate", headers=headers)
    assert api.status_code == 200
    body = api.get_json()
    assert [p["value"] for p in body["points"]] == [ANSWERED[p] / 10 for p in MONTHS]
    expected = [{"dataset": "telephony", "period": "2026-06",
                 "metrics": ["calls_answered_rate"], "reason": BREAK.reason}]  # fmt: skip
    assert body["breaks"] == expected
    with app.app_context():
        out = registry.get("get_trend").handler(
            ToolContext(user_id=user_id), {"practice": "A81001", "metric": "calls_answered_rate"}
        )
    assert out.structured == body
    assert f"Series break 2026-06: {BREAK.reason}" in out.text
    table_end = out.text.index("| 2026-07 |")
    assert out.text.index("Series break 2026-06") > table_end
    schema = registry.get("get_trend").output_schema
    assert "breaks" in schema["properties"]

    inbound = client.get("/api/v1/practices/A81001/trends/calls_inbound", headers=headers)
    assert inbound.get_json()["breaks"] == []
    with app.app_context():
        out = registry.get("get_trend").handler(
            ToolContext(user_id=user_id), {"practice": "A81001", "metric": "calls_inbound"}
        )
    assert "Series break" not in out.text


def test_telephony_page_and_trend_csv_name_the_break(app, client, loaded):
    page = client.get("/practices/A81001/telephony")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('data-series-break="2026-06"') == 1  # the answered rate's chart only
    assert str(escape(BREAK.note)) in html
    # the answered-calls bands are shown by their readable labels, not the published codes
    assert "1–30 s" in html

    response = client.get("/practices/A81001/telephony/trend.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    marked = {(r["metric"], r["period"]): r["series_break"] for r in rows if r["series_break"]}
    assert marked == {("calls_answered_rate", "2026-06"): BREAK.note}


def test_get_telephony_notes_the_break_under_its_monthly_series(app, loaded):
    user_id, _ = loaded
    with app.app_context():
        out = registry.get("get_telephony").handler(
            ToolContext(user_id=user_id), {"practice": "A81001"}
        )
    series = out.text[out.text.index("Monthly series:") :]
    # once under the monthly series, and once (not per table) under the wait bands it changes
    assert series.count(BREAK.note) == 2
    assert out.text.count(f"Wait bands: {BREAK.note}") == 1
    assert out.text.count("Series break") == 2
    # the latest month's answered calls by wait, with readable band labels
    assert "| 0 s | 360 | 50.0% |" in out.text
    assert "| 1–30 s | 360 | 50.0% |" in out.text
