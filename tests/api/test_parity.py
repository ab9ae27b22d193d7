"""The API shows the same figures as the pages and the MCP tools (one query layer)."""

import re
from html import unescape

import pandas as pd
import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.ingest import load_paths
from portal.mcp.registry import ToolContext, registry
from portal.models import GroupMetric, PracticeMetric, User
from portal.models.appointments import HCP_TYPES, LEAD_TIMES, MODES, STATUSES, AppointmentMonth
from portal.models.online_consultations import OnlineConsultation
from portal.queries.appointments import METRIC_IDS as APPOINTMENT_METRICS
from portal.queries.areas import AREAS
from portal.queries.telephony import band_label, band_seconds
from portal.series_breaks import BREAKS
from tests.accounts_support import add_practices
from tests.api.conftest import ApiClient, make_key
from tests.ingest.test_telephony_real import DURATIONS
from tests.queries.test_telephony_bands import practice_files


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


def _page_breakdowns(html: str) -> dict[str, list[tuple[str, int | None, float | None]]]:
    """Each breakdown table on the page: (part, count, percent) rows from its data attributes."""
    out = {}
    for name, body in re.findall(r'data-breakdown="([a-z_]+)">(.*?)</table>', html, re.S):
        out[name] = [
            (unescape(label), int(count) if count else None, float(percent) if percent else None)
            for label, count, percent in re.findall(
                r'data-part="([^"]*)">.*?data-count="([^"]*)".*?data-percent="([^"]*)"', body, re.S
            )
        ]
    return out


def _page_series(html: str, metric: str) -> dict[str, float | None]:
    """A panel's trend table on the page: period -> the practice's value."""
    table = re.search(rf'id="{metric.replace("_", "-")}-trend-table".*?</table>', html, re.S)
    rows = re.findall(r'data-period="([^"]+)".*?data-value="([^"]*)"', table.group(0), re.S)
    return {period: float(value) if value else None for period, value in rows}


def _parts(rows) -> list[tuple[str, int | None, float | None]]:
    return [(p["label"], p["count"], p["percent"]) for p in rows]


def _expected_shares(
    parts: list[tuple[str, int | None]],
) -> list[tuple[str, int | None, float | None]]:
    whole = sum(c for _, c in parts if c is not None)
    return [(label, c, c / whole * 100 if whole and c is not None else None) for label, c in parts]


def test_appointment_breakdowns_and_series_are_the_db_facts_on_page_api_and_mcp(
    real_app, real_api, real_client
):
    """The latest month's four splits and every metric's series, from the fact tables here,
    are what the page, the API and get_appointments all show."""
    with real_app.app_context():
        a = AppointmentMonth.__table__
        code, period = db.session.execute(
            sa.select(a.c.practice_code, a.c.period).order_by(a.c.practice_code, a.c.period.desc())
        ).first()
        row = db.session.execute(
            sa.select(a).where(a.c.practice_code == code, a.c.period == period)
        ).one()
        pm = PracticeMetric.__table__
        stored = db.session.execute(
            sa.select(pm.c.metric, pm.c.period, pm.c.value).where(
                pm.c.practice_code == code, pm.c.metric.in_(APPOINTMENT_METRICS)
            )
        ).all()
    expected = {
        f"appointments_by_{name}": _expected_shares(
            [(label, getattr(row, column)) for label, column in published.items()]
        )
        for name, published in (("status", STATUSES), ("hcp_type", HCP_TYPES),
                                ("mode", MODES), ("lead_time", LEAD_TIMES))
    }  # fmt: skip
    body = real_api.json(f"/practices/{code}/appointments")
    assert {b["name"]: _parts(b["parts"]) for b in body["breakdowns"]} == expected
    assert {b["period"] for b in body["breakdowns"]} == {period}
    html = real_client.get(f"/practices/{code}/appointments").get_data(as_text=True)
    assert _page_breakdowns(html) == expected

    series = {(metric, p): value for metric, p, value in stored}
    assert body["series"], "the real file has months of appointments"
    for month in body["series"]:
        for metric, value in month["values"].items():
            assert value == series.get((metric, month["period"]))
    for panel in body["panels"]:
        metric = panel["metric"]["id"]
        api = {p["period"]: p["value"] for p in panel["trend"]}
        assert api == {p: v for (m, p), v in series.items() if m == metric}
        if len(api) > 1:
            assert _page_series(html, metric) == api

    user_id, _ = make_key(real_app)
    with real_app.app_context():
        tool = registry.get("get_appointments").handler(
            ToolContext(user_id=user_id), {"practice": code, "months": 24}
        )
    structured = tool.structured["appointments"]
    by_name = {b["name"]: b["parts"] for b in body["breakdowns"]}
    for key, got in structured["breakdown"].items():
        assert got == by_name[f"appointments_{key}"]
    api_series = {m["period"]: m["values"] for m in body["series"]}
    for month in structured["trend"]:
        for metric, value in month["values"].items():
            assert value == api_series.get(month["period"], {}).get(metric)


def test_online_consultation_breakdowns_are_the_db_facts_on_page_api_and_mcp(
    real_app, real_api, real_client
):
    """Submissions by type, from the practice's latest month of facts here, on every surface.
    (The real day-and-time file is a later month than the practice file, so no weekday split
    is shown: tests/mcp/test_parity.py checks it on the demo data.)"""
    with real_app.app_context():
        t = OnlineConsultation.__table__
        row = db.session.execute(
            sa.select(t).order_by(t.c.practice_code, t.c.period.desc())
        ).first()
    code = row.practice_code
    expected = _expected_shares(
        [("Clinical", row.clinical), ("Administrative", row.admin), ("Other", row.other)]
    )
    body = real_api.json(f"/practices/{code}/online-consultations")
    got = {b["name"]: b for b in body["breakdowns"]}
    assert _parts(got["submissions_by_type"]["parts"]) == expected
    assert got["submissions_by_type"]["period"] == row.period
    html = real_client.get(f"/practices/{code}/online-consultations").get_data(as_text=True)
    assert _page_breakdowns(html) == {name: _parts(b["parts"]) for name, b in got.items()}
    user_id, _ = make_key(real_app)
    with real_app.app_context():
        tool = registry.get("get_online_consultations").handler(
            ToolContext(user_id=user_id), {"practice": code}
        )
    structured = tool.structured["online_consultations"]
    assert structured["by_type"] == got["submissions_by_type"]["parts"]
    times = structured["times"]
    assert (times["by_weekday"] if times else None) == (
        got["submissions_by_weekday"]["parts"] if "submissions_by_weekday" in got else None
    )


def test_england_is_named_twice_with_the_db_values_on_page_and_api(real_app, real_api, real_client):
    """For a count (list size) and a rate, both Englands are the England group row's value and
    median, and the trend says which one it draws."""
    html = real_client.get("/practices/A81001/registered-patients").get_data(as_text=True)
    body = real_api.json("/practices/A81001/registered-patients")
    g = GroupMetric.__table__
    for panel in body["panels"]:
        metric, period = panel["metric"]["id"], panel["benchmark"]["figure"]["period"]
        with real_app.app_context():
            row = db.session.execute(
                sa.select(g.c.value, g.c.median).where(
                    g.c.metric == metric, g.c.period == period, g.c.level == "england"
                )
            ).one()
        assert panel["england_total"]["value"] == row.value
        assert panel["england_median_practice"]["value"] == row.median
        which = (
            "england_median_practice" if METRICS[metric].aggregation == "sum" else "england_total"
        )
        assert panel["england_trend_is"] == which
        assert panel["england_trend"] == panel[f"{which}_trend"]
        assert f'data-england-total="{metric}">{panel["england_total"]["display"]}<' in html
        median = panel["england_median_practice"]["display"]
        assert f'data-england-median-practice="{metric}">{median}<' in html
    assert "sets the practice beside the median practice in England" in html


def test_area_details_are_the_same_on_api_and_mcp(real_app, real_api, real_client):
    """Funding and patient experience beyond the metrics: the API's `details` is the tool's,
    for a practice in each real file."""
    user_id, _ = make_key(real_app)
    pm = PracticeMetric.__table__
    for area, tool, key in (
        ("funding", "get_funding", "funding"),
        ("patient-experience", "get_patient_experience", "survey"),
    ):
        metric = METRICS[next(m.id for m in METRICS.values() if m.dataset in AREAS[area].datasets)]
        with real_app.app_context():
            code = db.session.scalar(
                sa.select(pm.c.practice_code)
                .where(pm.c.metric == metric.id)
                .order_by(pm.c.practice_code)
                .limit(1)
            )
            structured = (
                registry.get(tool)
                .handler(ToolContext(user_id=user_id), {"practice": code})
                .structured
            )
        body = real_api.json(f"/practices/{code}/{area}")
        assert body["details"] is not None
        assert body["details"] == structured[key]
        assert real_client.get(f"/practices/{code}/{area}").status_code == 200


def test_telephony_bands_are_the_files_on_page_api_and_mcp(app, client, nhs_data, tmp_path):
    """June 2026's real By Durations excerpt with J81002's Calls Answered Metric rows and By Day
    and Time file (made as tests/queries/test_telephony_bands.py says): answered calls by wait
    and length, inbound calls by time of day and answered calls by wait in each part of the
    day, summed here from the files, are the page's, the API's and get_telephony's, each wait
    table with June 2026's method change."""
    answered, times = practice_files(nhs_data, tmp_path)
    durations = pd.read_csv(nhs_data / DURATIONS, dtype={"Value": float})
    durations = durations[durations["PRACTICE_CODE"] == "J81002"]
    add_practices(app, "J81002")
    with app.app_context():
        load_paths("telephony", [nhs_data / DURATIONS, tmp_path])

    def split(frame, column, order=None) -> list[tuple[str, int, float]]:
        sums = frame.groupby(column)["Value"].sum()
        labels = sorted(sums.index, key=order) if order else sorted(sums.index)
        return _expected_shares([(band_label(b), int(sums[b])) for b in labels])

    expected = {
        "calls_answered_by_wait": split(durations[durations["Indicator"] == "CBT003"],
                                        "Duration", band_seconds),
        "calls_answered_by_length": split(durations[durations["Indicator"] == "CBT007"],
                                          "Duration", band_seconds),
        "calls_inbound_by_time": split(times[times["Indicator"] == "CBT001"], "Time_Category"),
    } | {
        f"calls_answered_by_wait_{key}": split(
            answered[answered["Core_Category"] == category], "Wait_Time", band_seconds
        )
        for category, key in (("Core_8_10", "core_early"), ("Core_10_1830", "core_day"),
                              ("Non-Core", "non_core"))
    }  # fmt: skip
    (note,) = [b.note for b in BREAKS if b.dataset == "telephony"]
    user_id, secret = make_key(app)
    body = ApiClient(client, secret).json("/practices/J81002/telephony")
    got = {b["name"]: b for b in body["breakdowns"]}
    assert {name: _parts(b["parts"]) for name, b in got.items()} == expected
    assert {name: b["notes"] for name, b in got.items()} == {
        name: [note] if "wait" in name else [] for name in expected
    }
    html = client.get("/practices/J81002/telephony").get_data(as_text=True)
    assert _page_breakdowns(html) == expected
    notes = re.findall(r'data-breakdown-note="([a-z_]+)"><strong>([^<]+)<', html)
    assert [(name, unescape(shown)) for name, shown in notes] == [
        (name, note) for name in expected if "wait" in name
    ]
    with app.app_context():
        tool = registry.get("get_telephony").handler(
            ToolContext(user_id=user_id), {"practice": "J81002"}
        )
    month = tool.structured["telephony"]["month"]
    assert _parts(month["inbound_by_time"]) == expected["calls_inbound_by_time"]
    assert {
        f"calls_answered_by_wait_{h['key']}": _parts(h["answered_by_wait"])
        for h in month["answered_by_hours"]
    } == {name: parts for name, parts in expected.items() if "_by_wait_" in name}
    assert tool.text.count(f"Wait bands: {note}") == 1  # the four wait tables' note, said once
    assert "Wait outside core hours" in tool.text
