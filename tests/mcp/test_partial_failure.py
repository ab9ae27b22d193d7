"""Partial failure, never all-or-nothing (issue 14): compare_practices with codes it cannot read,
get_benchmark for a practice without a figure, list_metrics' true latest periods. Expected
values come from the loaded data."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from pydantic import TypeAdapter

from portal.access import NOT_FOUND_OR_DENIED
from portal.catalogue import METRICS, format_value
from portal.extensions import db
from portal.mcp.text import POLARITY
from portal.models import AuditEvent, DatasetLoad, Practice, PracticeMetric
from portal.models.organisations import ENGLAND
from portal.queries.benchmarks import group_values, national_distribution
from portal.queries.compare import compare_practices
from portal.queries.practices import get_practice
from portal.queries.types import Distribution, Figure, GroupValue
from portal.sources import source_label

UNREAD = {"practice": "Y99999", "reason": "not found or access denied"}
MALFORMED = (
    "'12345' is not an ODS practice code: expected a letter then five letters or digits, e.g. "
    "A81001. Use search_practices to find a practice's code by name."
)


def dump(kind, value):
    return TypeAdapter(kind).dump_python(value, mode="json")


def _latest_by_metric(live) -> dict[str, str]:
    """Each metric's newest period in practice_metric, read row by row."""
    latest: dict[str, str] = {}
    with live.app.app_context():
        for metric, period in db.session.execute(
            sa.select(PracticeMetric.metric, PracticeMetric.period)
        ).all():
            latest[metric] = max(period, latest.get(metric, period))
    return latest


# --- compare_practices ----------------------------------------------------------------------


@pytest.mark.parametrize("unknown", ["Y99999", "y99999"])
def test_compare_with_an_unknown_code_returns_the_others_and_names_it(live, unknown):
    codes = [live.member_practice, unknown, live.other_practice]
    result = live.call("compare_practices", {"practices": codes, "metrics": ["list_size"]})
    with live.app.app_context():
        expected = compare_practices([live.member_practice, live.other_practice], ["list_size"])
    structured = result["structuredContent"]
    assert result["isError"] is False
    assert [p["code"] for p in structured["practices"]] == [
        live.member_practice,
        live.other_practice,
    ]
    for got, want in zip(structured["practices"], expected.practices, strict=True):
        assert got["figures"] == dump(dict[str, Figure | None], want.figures)
    assert structured["not_read"] == [UNREAD]
    lines = result["content"][0]["text"].split("\n")
    column = expected.columns[0]
    assert lines[0] == f"| Practice | {column.metric.label} ({column.period}) |"
    assert lines[2:5] == [
        *(f"| {p.code} {p.name} | {p.figures['list_size'].display} |" for p in expected.practices),
        f"| England (all practices) | {column.figure.display} |",
    ]
    assert "\n\nCould not read: Y99999 (not found or access denied).\n\n" in "\n".join(lines)


def test_compare_names_a_malformed_code_with_its_reason(live):
    result = live.call(
        "compare_practices",
        {"practices": ["12345", live.member_practice, "Y99999"], "metrics": ["list_size"]},
    )
    structured = result["structuredContent"]
    assert result["isError"] is False
    assert [p["code"] for p in structured["practices"]] == [live.member_practice]
    assert structured["not_read"] == [{"practice": "12345", "reason": MALFORMED}, UNREAD]
    paragraphs = result["content"][0]["text"].split("\n\n")
    assert paragraphs[1] == (
        f"Could not read: 12345 ({MALFORMED}); Y99999 (not found or access denied)."
    )


def test_compare_with_nothing_readable_is_the_tool_error(live):
    unknown = live.call("compare_practices", {"practices": ["Y99998", "Y99999"]})
    assert (unknown["isError"], unknown["content"][0]["text"]) == (True, NOT_FOUND_OR_DENIED)
    malformed = live.call("compare_practices", {"practices": ["Y99999", "12345"]})
    assert (malformed["isError"], malformed["content"][0]["text"]) == (True, MALFORMED)


def test_compare_with_every_code_readable_has_an_empty_not_read(live):
    result = live.call(
        "compare_practices", {"practices": [live.member_practice], "metrics": ["list_size"]}
    )
    assert result["structuredContent"]["not_read"] == []
    assert "Could not read" not in result["content"][0]["text"]


def test_a_partial_compare_is_audited_as_ok_with_every_code_asked(live):
    with live.app.app_context():
        before = db.session.scalar(sa.select(sa.func.max(AuditEvent.id)))
    live.call("compare_practices", {"practices": [live.member_practice, "Y99999"]})
    with live.app.app_context():
        row = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.id > before)).one()
        assert (row.tool, row.outcome, row.status, row.ods_codes) == (
            "compare_practices",
            "ok",
            200,
            f"{live.member_practice},Y99999",
        )


# --- get_benchmark --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def without_telephony(live):
    """An open practice with no cloud telephony figure at all, found in the loaded data."""
    with live.app.app_context():
        have = sa.select(PracticeMetric.practice_code).where(
            PracticeMetric.metric == "calls_answered_rate"
        )
        code = db.session.scalars(
            sa.select(Practice.code)
            .where(Practice.status == "active", Practice.code.not_in(have))
            .order_by(Practice.code)
        ).first()
    assert code is not None, "the demo leaves some practices without telephony"
    return code


@pytest.mark.parametrize("within", ["england", "pcn"])
def test_benchmark_without_a_practice_figure_still_gives_the_national_distribution(
    live, without_telephony, within
):
    metric = METRICS["calls_answered_rate"]
    result = live.call(
        "get_benchmark",
        {"metric": metric.id, "practice": without_telephony, "within": within},
    )
    period = _latest_by_metric(live)[metric.id]
    with live.app.app_context():
        practice = get_practice(without_telephony)
        distribution = national_distribution(metric.id, period)
        codes = {o.level: o.code for o in practice.organisations()} | {"england": ENGLAND}
        groups = {g.level: g for g in group_values(metric, period, codes)}
    structured = result["structuredContent"]
    assert result["isError"] is False
    assert distribution is not None and distribution.median is not None
    assert (structured["period"], structured["practice"]["code"]) == (period, without_telephony)
    assert structured["practice_has_figure"] is False
    assert structured["practice_figure"] is None
    assert structured["national_percentile"] is None
    assert structured["national_distribution"] == dump(Distribution, distribution)
    assert structured["england"] == dump(GroupValue, groups["england"])
    assert structured["group"] == dump(GroupValue, groups[within])
    lines = result["content"][0]["text"].split("\n")
    assert f"| {practice.name} ({practice.code}) | no figure for {period} | – |" in lines
    assert (
        f"| Median practice in England | {format_value(metric, distribution.median)} | of "
        f"{distribution.n:,} open practices; {distribution.excluded:,} excluded |"
    ) in lines
    assert (
        f"| Quartiles (25th to 75th percentile) | {format_value(metric, distribution.q1)} to "
        f"{format_value(metric, distribution.q3)} | – |"
    ) in lines


def test_benchmark_with_a_practice_figure_says_it_has_one(live):
    result = live.call("get_benchmark", {"metric": "list_size", "practice": live.member_practice})
    structured = result["structuredContent"]
    assert structured["practice_has_figure"] is True
    assert structured["practice_figure"]["value"] is not None
    assert "no figure for" not in result["content"][0]["text"]
    national = live.call("get_benchmark", {"metric": "list_size"})["structuredContent"]
    assert national["practice_has_figure"] is None


# --- list_metrics ---------------------------------------------------------------------------


def test_list_metrics_gives_each_metrics_latest_loaded_period(live):
    latest = _latest_by_metric(live)
    later = {"period": "2099-01", "dataset": "online-consultations"}
    with live.app.app_context():  # a file of another kind loaded for a month with no figures
        db.session.add(
            DatasetLoad(
                dataset=later["dataset"],
                period=later["period"],
                part="by-day",
                source_file="OC_by_day_and_time.csv",
                checksum="0" * 64,
                rows_read=1,
                rows_loaded=1,
                synthetic=True,
                loaded_at=datetime(2026, 1, 1),
            )  # fmt: skip
        )
        db.session.commit()
    try:
        result = live.call("list_metrics")
    finally:
        with live.app.app_context():
            db.session.execute(sa.delete(DatasetLoad).where(DatasetLoad.period == later["period"]))
            db.session.commit()
    entries = {e["id"]: e for e in result["structuredContent"]["metrics"]}
    assert set(entries) == set(METRICS)
    assert {m: e["latest_period"] for m, e in entries.items()} == {
        m: latest.get(m) for m in METRICS
    }
    for metric_id, entry in entries.items():
        period = latest.get(metric_id)
        source = source_label(METRICS[metric_id].dataset, period) if period else None
        assert entry["source"] == source
    assert latest["oc_submissions"] != later["period"]
    text = result["content"][0]["text"].split("\n")
    for metric in METRICS.values():
        shown = latest.get(metric.id, "not loaded")
        if metric.id.startswith("prevalence_"):  # one row for every register
            code = metric.id.removeprefix("prevalence_").upper()
            row = next(line for line in text if line.startswith("| prevalence_<register> |"))
            assert re.search(rf"{shown}: [A-Z, ]*\b{code}\b", row), (metric.id, row)
            continue
        polarity = POLARITY[metric.polarity]
        row = f"| {metric.id} | {metric.label} | {metric.unit} | {polarity} | {shown} |"
        assert row in text


def test_list_metrics_says_not_loaded_for_a_metric_of_a_loaded_dataset_without_figures(live):
    latest = _latest_by_metric(live)
    loaded = {METRICS[m].dataset for m in latest}
    empty = [m for m in METRICS.values() if m.id not in latest and m.dataset in loaded]
    assert empty, "the demo loads no figures for some metrics of a loaded dataset"
    entries = {e["id"]: e for e in live.call("list_metrics")["structuredContent"]["metrics"]}
    for metric in empty:
        assert (entries[metric.id]["latest_period"], entries[metric.id]["source"]) == (None, None)
