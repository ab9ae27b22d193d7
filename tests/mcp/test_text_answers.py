"""The text content alone carries the answer (claude.ai's model reads nothing else): for each
tool, the figures of its structured result, computed here from the query layer, appear in its
markdown text, and "England" always names one stated thing."""

from __future__ import annotations

import re

import pytest

from portal.catalogue import METRICS, format_value
from portal.mcp.registry import registry
from portal.mcp.text import ENGLAND_LEGEND, LEVEL_HEADINGS, POLARITY
from portal.queries.appointments import practice_appointments
from portal.queries.patients import age_pyramid
from portal.queries.practices import get_practice
from portal.queries.telephony import practice_telephony


def text_of(result: dict) -> str:
    assert result["isError"] is False, result["content"]
    return result["content"][0]["text"]


def rows(text: str) -> list[list[str]]:
    """Every markdown table row, as its cells."""
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.split("\n")
        if line.startswith("| ") and not line.startswith("|---")
    ]


def row_for(text: str, first: str) -> list[str]:
    found = [r for r in rows(text) if r[0] == first]
    assert len(found) == 1, (first, text)
    return found[0]


def test_appointments_text_holds_benchmarks_series_and_splits(live):
    code = live.member_practice
    text = text_of(live.call("get_appointments", {"practice": code}))
    with live.app.app_context():
        data = practice_appointments(code, 12)
        practice = get_practice(code)
    headings = rows(text)[0]
    for benchmark in data.metrics:
        f = benchmark.figure
        row = dict(zip(headings, row_for(text, f.label), strict=True))
        assert (row["Period"], row["Practice"]) == (f.period, f.display)
        versus = {s.level: s for s in benchmark.significance}
        for group in benchmark.groups:
            words = versus.get(group.level)
            judged = words and {words.at_95, words.at_99_8} != {"not compared"}
            tail = f" ({words.at_95}/{words.at_99_8})" if judged else ""
            assert row[LEVEL_HEADINGS[group.level]] == group.display + tail
        if benchmark.intervals:
            shown = "; ".join(i.display for i in benchmark.intervals)
            assert row["95%; 99.8% interval"] == shown
        median = format_value(METRICS[f.metric], benchmark.distribution.median)
        assert row["Median practice"] == f"{median} (of {benchmark.distribution.n:,})"
        assert row["Percentile"] == f"{benchmark.percentile:.0f}"
        assert row["Better"] == POLARITY[METRICS[f.metric].polarity]
    for month in data.trend:  # the monthly series, every metric
        want = [format_value(METRICS[m], month.values[m]) for m in month.values]
        assert row_for(text, month.period)[1:] == want
    modes = next(p for p in text.split("\n\n") if p.startswith("| Mode | Appointments |"))
    assert rows(modes)[1:] == [
        [s.label, f"{s.count:,.0f}", f"{s.percent:.1f}%"] for s in data.breakdown.by_mode
    ]
    organisations = {o.level: o for o in practice.organisations()}
    assert f"PCN = {organisations['pcn'].name} ({organisations['pcn'].code})" in text
    assert f"Source: {data.source}." in text
    assert ENGLAND_LEGEND in text
    assert text.endswith("SYNTHETIC demo data, not real NHS figures.")


def test_telephony_text_holds_each_indicator_and_the_wait_bands(live):
    code = live.member_practice
    text = text_of(live.call("get_telephony", {"practice": code}))
    with live.app.app_context():
        data = practice_telephony(code, 12)
    assert data is not None
    for indicator in data.month.indicators:
        calls = f"{indicator.calls:,}" if indicator.calls is not None else "–"
        assert row_for(text, f"{indicator.label} ({indicator.code})")[1] == calls
    for share in data.month.answered_by_wait:
        assert row_for(text, share.label)[1] == f"{share.count:,.0f}"


def test_registered_patients_series_names_its_england_and_lists_the_age_bands(live):
    code = live.member_practice
    result = live.call("get_registered_patients", {"practice": code})
    text = text_of(result)
    metric = result["structuredContent"]["metrics"][0]
    # a national total is no practice's peer: beside a list size the series is the median
    assert metric["england_trend_is"] == "england_median_practice"
    headings = next(r for r in rows(text) if r[0] == "Period")
    assert headings == ["Period", "Registered patients",
                        "Registered patients, median practice in England"]  # fmt: skip
    for own, england in zip(metric["trend"], metric["england_trend"], strict=True):
        assert row_for(text, own["period"]) == [
            own["period"],
            format_value(METRICS["list_size"], own["value"]),
            format_value(METRICS["list_size"], england["value"]),
        ]
    with live.app.app_context():
        pyramid = age_pyramid(code)
    for band in pyramid.bands:
        assert row_for(text, band.label) == [band.label, f"{band.male:,}", f"{band.female:,}"]


def test_overview_names_both_englands(live):
    code = live.member_practice
    result = live.call("get_practice_overview", {"practice": code})
    text = text_of(result)
    headings = next(r for r in rows(text) if r[0] == "Metric")
    assert headings[3:5] == ["England (all practices)", "Median practice"]
    for figure in result["structuredContent"]["figures"]:
        row = dict(zip(headings, row_for(text, figure["label"]), strict=True))
        assert row["England (all practices)"] == figure["england_total"]["display"]
        assert row["Median practice"] == figure["england_median_practice"]["display"]
    list_size = next(
        f for f in result["structuredContent"]["figures"] if f["metric"] == "list_size"
    )
    with live.app.app_context():
        from portal.queries.national import national_view

        view = national_view("list_size")
    assert list_size["england_median_practice"]["value"] == view.distribution.median
    assert list_size["england_total"]["value"] == view.england.value


ALLOWED_ENGLANDS = (
    "England (all practices)",
    "median practice in England",
    "Median practice in England",
    "every practice in England",
    "open practices in England",
)


@pytest.mark.parametrize(
    "tool",
    ["get_practice_overview", "get_registered_patients", "get_appointments", "get_telephony",
     "get_online_consultations", "get_workforce", "get_patient_experience",
     "get_disease_prevalence", "get_qof_achievement", "get_funding", "get_benchmark",
     "compare_practices"],
)  # fmt: skip
def test_england_always_says_which_england(live, tool):
    arguments = {
        "get_benchmark": {"metric": "list_size", "practice": live.member_practice},
        "compare_practices": {"practices": [live.member_practice, live.other_practice]},
    }.get(tool, {"practice": live.member_practice})
    assert registry.get(tool) is not None
    text = text_of(live.call(tool, arguments))
    for phrase in ALLOWED_ENGLANDS:
        text = text.replace(phrase, "")
    assert re.findall(r".{0,30}England.{0,30}", text) == []
