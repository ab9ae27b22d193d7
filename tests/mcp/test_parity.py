"""Parity: for several practices and every tool, the figures a tool returns over HTTP equal the
query layer's (computed in-process here) and the figures the pages show."""

from __future__ import annotations

import re
from html import unescape

import httpx
import pytest
from pydantic import TypeAdapter

from portal import access
from portal.catalogue import METRICS, format_value
from portal.extensions import db
from portal.models import Practice, User
from portal.queries.activity import Share
from portal.queries.appointments import PracticeAppointments, practice_appointments
from portal.queries.area_view import area_view
from portal.queries.areas import AREAS, area_dashboard
from portal.queries.benchmarks import practice_benchmark
from portal.queries.compare import compare_practices, default_metrics
from portal.queries.funding import Funding, funding
from portal.queries.online_consultations import (
    PracticeOnlineConsultations,
    practice_online_consultations,
)
from portal.queries.patient_experience import PatientExperience, patient_experience
from portal.queries.patients import age_pyramid
from portal.queries.practices import get_practice
from portal.queries.prevalence import DiseasePrevalence, disease_prevalence
from portal.queries.private_data import get_private_data
from portal.queries.qof import QofAchievementResult, qof_achievement
from portal.queries.search import search_practices
from portal.queries.telephony import PracticeTelephony, practice_telephony
from portal.queries.types import Figure, TrendPoint
from portal.queries.workforce import Workforce, workforce


def dump(kind, value):
    return TypeAdapter(kind).dump_python(value, mode="json")


@pytest.fixture(scope="module")
def practices(live):
    """Four open practices, the first with alice's active role."""
    with live.app.app_context():
        codes = db.session.scalars(
            db.select(Practice.code).where(Practice.status == "active").order_by(Practice.code)
        ).all()
    return [codes[0], codes[1], codes[len(codes) // 2], codes[-1]]


def test_area_tools_equal_their_query_modules(live, practices):
    checks = [
        ("get_workforce", "workforce", Workforce, lambda p: workforce(p)),
        ("get_patient_experience", "survey", PatientExperience, lambda p: patient_experience(p)),
        ("get_qof_achievement", "achievement", QofAchievementResult, lambda p: qof_achievement(p)),
        ("get_funding", "funding", Funding, lambda p: funding(p)),
        ("get_disease_prevalence", "prevalence", DiseasePrevalence, disease_prevalence),
        ("get_appointments", "appointments", PracticeAppointments,
         lambda p: practice_appointments(p.code, 12)),
        ("get_online_consultations", "online_consultations", PracticeOnlineConsultations,
         lambda p: practice_online_consultations(p.code, 12)),
        ("get_telephony", "telephony", PracticeTelephony, lambda p: practice_telephony(p.code, 12)),
    ]  # fmt: skip
    compared = 0
    for code in practices:
        for tool, key, kind, query in checks:
            structured = live.call(tool, {"practice": code})["structuredContent"]
            with live.app.app_context():
                expected = query(get_practice(code))
                assert structured[key] == (None if expected is None else dump(kind, expected))
            compared += expected is not None
    assert compared >= len(practices) * len(checks) - 2  # the demo has data for (nearly) all


def test_registered_patients_equal_the_dashboard_and_pyramid(live, practices):
    for code in practices:
        structured = live.call("get_registered_patients", {"practice": code, "months": 6})[
            "structuredContent"
        ]
        with live.app.app_context():
            practice = get_practice(code)
            panel = area_dashboard(practice, AREAS["registered-patients"], months=6).panels[0]
            pyramid = age_pyramid(code)
        metric = structured["metrics"][0]
        assert metric["latest"] == dump(Figure, panel.benchmark.figure)
        assert metric["national_percentile"] == panel.benchmark.percentile
        assert [p["value"] for p in metric["trend"]] == [p.value for p in panel.trend]
        assert structured["extra"]["age_bands"]["total"] == pyramid.total


def test_overview_compare_and_benchmark_equal_the_query_layer(live, practices):
    for code in practices:
        overview = live.call("get_practice_overview", {"practice": code})["structuredContent"]
        bench = live.call("get_benchmark", {"metric": "list_size", "practice": code})
        with live.app.app_context():
            headline = [f["metric"] for f in overview["figures"]]
            comparison = compare_practices([code], headline)
            expected = practice_benchmark(get_practice(code), "list_size")
        row = comparison.practices[0]
        for figure in overview["figures"]:
            want = row.figures[figure["metric"]]
            assert figure["practice"] == (dump(Figure, want) if want else None)
        assert bench["structuredContent"]["practice_figure"] == dump(Figure, expected.figure)
        assert bench["structuredContent"]["national_percentile"] == expected.percentile

    compared = live.call("compare_practices", {"practices": practices})["structuredContent"]
    with live.app.app_context():
        expected = compare_practices(practices, default_metrics())
    for got, want in zip(compared["practices"], expected.practices, strict=True):
        assert got["figures"] == dump(dict[str, Figure | None], want.figures)


def test_pages_show_the_same_figures(live, practices):
    for code in practices[:2]:
        structured = live.call("get_appointments", {"practice": code})["structuredContent"]
        page = httpx.get(f"{live.base}/practices/{code}/appointments").text
        for benchmark in structured["appointments"]["metrics"]:
            assert benchmark["figure"]["display"] in page
        overview = live.call("get_practice_overview", {"practice": code})["structuredContent"]
        list_size = next(f for f in overview["figures"] if f["metric"] == "list_size")
        assert list_size["practice"]["display"] in httpx.get(f"{live.base}/practices/{code}").text


def test_search_catalogue_and_private_tools_equal_the_query_layer(live, practices):
    search = live.call("search_practices", {"query": "health centre", "limit": 7})
    with live.app.app_context():
        hits = search_practices("health centre", 7)
        alice = db.session.scalar(db.select(User).filter_by(email="alice@example.org"))
        mine = access.my_practices(alice)
        private = get_private_data(alice, practices[0])
    assert [h["code"] for h in search["structuredContent"]["practices"]] == [h.code for h in hits]
    metrics = live.call("list_metrics")["structuredContent"]["metrics"]
    assert [(m["id"], m["definition"]) for m in metrics] == [
        (m.id, m.definition) for m in METRICS.values()
    ]
    assert live.call("list_my_practices")["structuredContent"]["practices"] == [
        {"code": p.code, "name": p.name, "role": p.role} for p in mine
    ]
    got = live.call("get_private_data", {"practice": practices[0]})["structuredContent"]
    assert got["practice_code"] == private.practice_code
    assert len(got["months"]) == len(private.months)


def test_benchmark_without_a_practice_is_the_national_view(live):
    from portal.queries.national import national_view

    result = live.call("get_benchmark", {"metric": "dna_rate"})["structuredContent"]
    with live.app.app_context():
        view = national_view("dna_rate")
    assert result["period"] == view.period
    assert result["national_distribution"]["median"] == view.distribution.median
    assert result["england"]["display"] == format_value(METRICS["dna_rate"], view.england.value)


def test_headline_figures_equal_the_benchmark_for_every_practice(live):
    """portal.queries.overview (a few batched lookups) gives each metric's benchmark: the
    practice's own latest, or the metric's latest with no practice figure."""
    from portal.queries.benchmarks import benchmark_or_national
    from portal.queries.latest import latest_period
    from portal.queries.overview import headline_figures

    with live.app.app_context():
        for code in db.session.scalars(db.select(Practice.code)).all():
            practice = get_practice(code)
            for h in headline_figures(code):
                bench = benchmark_or_national(practice, h.metric)
                england = next((g for g in bench.groups if g.level == "england"), None)
                assert h.england_total.period == bench.figure.period
                assert h.england_total.value == (england.value if england else None)
                own = latest_period(h.metric, code) is not None
                assert h.practice == (bench.figure if own else None)
                assert h.percentile == (bench.percentile if own else None)


def test_compare_page_and_tool_name_the_same_unread_practice_and_show_the_others(live, practices):
    asked = [practices[0], "Y99999", practices[1]]
    tool = live.call("compare_practices", {"practices": asked, "metrics": ["list_size"]})
    page = httpx.get(f"{live.base}/compare", params={"practices": ",".join(asked),
                                                      "metrics": "list_size"})  # fmt: skip
    assert page.status_code == 200
    structured = tool["structuredContent"]
    unread = [n["practice"] for n in structured["not_read"]]
    assert unread == ["Y99999"]
    assert f"Not found or access denied: {', '.join(unread)}." in page.text
    shown = re.findall(r'data-practice="([A-Z0-9]+)"', page.text)
    assert shown == [p["code"] for p in structured["practices"]] == [practices[0], practices[1]]
    for row in structured["practices"]:
        cell = re.search(
            rf'data-practice="{row["code"]}".*?data-metric="list_size">([^<]*)</td>',
            page.text,
            re.S,
        )
        assert cell.group(1) == row["figures"]["list_size"]["display"]


ACTIVITY_TOOLS = [
    ("get_appointments", "appointments", "appointments"),
    ("get_telephony", "telephony", "telephony"),
    ("get_online_consultations", "online_consultations", "online-consultations"),
]


def _page_breakdowns(html: str) -> dict[str, list[dict]]:
    """Each breakdown table on an area page as the tools' shares (label, count, percent)."""
    out = {}
    for name, body in re.findall(r'data-breakdown="([a-z_]+)">(.*?)</table>', html, re.S):
        out[name] = [
            {"label": unescape(label), "count": int(count) if count else None,
             "percent": float(percent) if percent else None}
            for label, count, percent in re.findall(
                r'data-part="([^"]*)">.*?data-count="([^"]*)".*?data-percent="([^"]*)"', body, re.S
            )
        ]  # fmt: skip
    return out


def _page_trend(html: str, metric: str) -> dict[str, float | None]:
    table = re.search(rf'id="{metric.replace("_", "-")}-trend-table".*?</table>', html, re.S)
    if table is None:
        return {}
    rows = re.findall(r'data-period="([^"]+)".*?data-value="([^"]*)"', table.group(0), re.S)
    return {period: float(value) if value else None for period, value in rows}


def test_breakdowns_and_series_equal_on_tool_page_and_area_view(live, practices):
    """Each activity tool's latest-month splits are the page's breakdown tables and the shared
    area view's; its monthly series is the page's trend tables, month by month."""
    compared = 0
    for code in practices[:2]:
        for tool, key, slug in ACTIVITY_TOOLS:
            data = live.call(tool, {"practice": code, "months": 6})["structuredContent"][key]
            page = httpx.get(f"{live.base}/practices/{code}/{slug}").text
            with live.app.app_context():
                view = area_view(get_practice(code), slug, 6)
            shown = _page_breakdowns(page)
            assert shown == {b.name: dump(list[Share], b.parts) for b in view.breakdowns}
            if data is None:
                assert shown == {}
                continue
            assert data == dump(type(view.activity), view.activity)
            splits = {
                "appointments": lambda d: {
                    f"appointments_{k}": v for k, v in d["breakdown"].items()
                },
                "telephony": lambda d: (
                    {
                        "calls_answered_by_wait": d["month"]["answered_by_wait"],
                        "calls_answered_by_length": d["month"]["answered_by_length"],
                    }
                    | (
                        {"calls_inbound_by_time": d["month"]["inbound_by_time"]}
                        if d["month"]["inbound_by_time"]
                        else {}
                    )
                    | {
                        f"calls_answered_by_wait_{h['key']}": h["answered_by_wait"]
                        for h in d["month"]["answered_by_hours"]
                    }
                ),
                "online_consultations": lambda d: (
                    {"submissions_by_type": d["by_type"]}
                    | ({"submissions_by_weekday": d["times"]["by_weekday"]} if d["times"] else {})
                ),
            }[key](data)
            assert splits == {k: shown[k] for k in splits}
            if key == "telephony":  # the demo's latest month has a By Day and Time file
                assert len(splits["calls_inbound_by_time"]) == 9
            for month in data["trend"]:
                for metric, value in month["values"].items():
                    on_page = _page_trend(page, metric)
                    if on_page:
                        assert on_page.get(month["period"]) == value
                        compared += 1
            view_series = {m.period: m.values for m in view.series}
            for month in data["trend"]:
                for metric, value in month["values"].items():
                    assert view_series.get(month["period"], {}).get(metric) == value
    assert compared > 0


def test_area_tools_name_the_england_the_view_draws(live, practices):
    """get_registered_patients' England series is the area view's, named as the view names it."""
    structured = live.call("get_registered_patients", {"practice": practices[0], "months": 6})[
        "structuredContent"
    ]
    with live.app.app_context():
        view = area_view(get_practice(practices[0]), "registered-patients", 6)
    for metric, panel in zip(structured["metrics"], view.panels, strict=True):
        assert metric["england_trend_is"] == panel.england_trend_is
        assert metric["england_trend"] == dump(list[TrendPoint], panel.england_trend)
        assert panel.england_trend == getattr(panel, f"{panel.england_trend_is}_trend")
