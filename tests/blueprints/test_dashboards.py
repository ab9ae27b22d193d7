"""Area dashboards, compare, national and docs pages over the real files: the figures on the page
are the query layer's, which are the published files'; bad input gets a 4xx, never a 500."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa

from portal.catalogue import METRICS, format_value
from portal.extensions import db
from portal.models import GroupMetric
from portal.models.appointments import STATUSES, AppointmentMonth
from portal.queries.areas import AREAS
from portal.queries.benchmarks import practice_benchmark
from portal.queries.national import national_view
from portal.queries.practices import get_practice

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
CODE = "A81001"


def published_list_sizes(nhs_data) -> dict[str, int]:
    with open(nhs_data / ALL_2025, newline="") as handle:
        return {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)}


def england_row(metric: str, period: str):
    """The England group_metric row: its value (every practice combined) and median practice."""
    g = GroupMetric.__table__
    return db.session.execute(
        sa.select(g.c.value, g.c.median).where(
            g.c.metric == metric, g.c.period == period, g.c.level == "england"
        )
    ).one()


def cell(html: str, table_id: str, level: str) -> str:
    table = html[html.index(f'id="{table_id}"') :]
    row = re.search(rf'data-level="{level}">(.*?)</tr>', table, re.S).group(1)
    return re.findall(r'numeric">([^<]*)<', row)[1]


@pytest.mark.parametrize("area", list(AREAS))
def test_every_area_page_renders(real_client, area):
    response = real_client.get(f"/practices/{CODE}/{area}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert AREAS[area].title in html
    # every area links to every other
    for other in AREAS:
        assert f"/practices/{CODE}/{other}" in html or other == area


def test_registered_patients_area_equals_published_file_and_query_layer(
    real_app, real_client, nhs_data
):
    html = real_client.get(f"/practices/{CODE}/registered-patients").get_data(as_text=True)
    value = re.search(r'data-metric="list_size">([\d,]+)<', html).group(1)
    assert int(value.replace(",", "")) == published_list_sizes(nhs_data)[CODE]
    with real_app.app_context():
        bench = practice_benchmark(get_practice(CODE), "list_size")
    assert bench.groups, "the real data has group values"
    for group in bench.groups:
        assert cell(html, "list-size-groups", group.level) == group.display
    assert f"{bench.percentile:.0f}" in html  # the percentile rank is shown
    assert "Patients Registered at a GP Practice, December 2025" in html
    for caveat in METRICS["list_size"].caveats:
        assert caveat in html


def test_area_csv_downloads_carry_period_and_source(real_app, real_client, nhs_data):
    published = published_list_sizes(nhs_data)
    response = real_client.get(f"/practices/{CODE}/registered-patients/latest.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    practice = next(r for r in rows if r["level"] == "practice")
    assert float(practice["value"]) == published_list_sizes(nhs_data)[CODE]
    assert practice["source"] == "Patients Registered at a GP Practice, December 2025"
    assert {r["level"] for r in rows} >= {"practice", "pcn", "icb", "region", "england"}

    trend = real_client.get(f"/practices/{CODE}/registered-patients/trend.csv")
    rows = list(csv.DictReader(io.StringIO(trend.get_data(as_text=True))))
    assert [r["period"] for r in rows] == sorted(r["period"] for r in rows)
    assert rows[-1]["source"] == "Patients Registered at a GP Practice, December 2025"
    assert float(rows[-1]["value"]) == published_list_sizes(nhs_data)[CODE]
    latest = rows[-1]
    with real_app.app_context():
        england = england_row("list_size", latest["period"])
    assert float(latest["england_total"]) == england.value == sum(published.values())
    assert float(latest["england_median_practice"]) == england.median
    assert latest["practice_set_beside"] == "england_median_practice"


def test_area_page_names_both_englands_and_the_breakdowns_csv_is_the_facts(real_app, real_client):
    """The appointments page of a practice in the real file: each panel names England (all
    practices) and the median practice from the England row; the breakdowns CSV is the month's
    counts from the fact table."""
    with real_app.app_context():
        a = AppointmentMonth.__table__
        fact = db.session.execute(
            sa.select(a).order_by(a.c.practice_code, a.c.period.desc())
        ).first()
        dna = england_row("dna_rate", fact.period)
    html = real_client.get(f"/practices/{fact.practice_code}/appointments").get_data(as_text=True)
    total = re.search(r'data-england-total="dna_rate">([^<]*)<', html).group(1)
    assert total == format_value(METRICS["dna_rate"], dna.value)
    median = re.search(r'data-england-median-practice="dna_rate">([^<]*)<', html).group(1)
    assert median == format_value(METRICS["dna_rate"], dna.median)
    assert 'data-england-is="england_total"' in html  # a rate is set beside every practice
    response = real_client.get(f"/practices/{fact.practice_code}/appointments/breakdowns.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    status = {r["part"]: r for r in rows if r["breakdown"] == "appointments_by_status"}
    for label, column in STATUSES.items():
        count = getattr(fact, column)
        assert status[label]["count"] == ("" if count is None else str(count))
        assert status[label]["period"] == fact.period
    whole = sum(getattr(fact, c) or 0 for c in STATUSES.values())
    assert float(status["Attended"]["percent"]) == fact.attended / whole * 100


@pytest.mark.parametrize(
    "path",
    [
        f"/practices/{CODE}/nonsense",
        "/practices/Z99999/appointments",
        f"/practices/{CODE}/appointments/other.csv",
        "/national/not_a_metric",
        "/national/list_size?period=1999-01",
        "/docs/not-a-page",
    ],
)
def test_unknown_things_are_404(real_client, path):
    response = real_client.get(path)
    assert response.status_code == 404
    assert "Not found or access denied." in response.get_data(as_text=True)


def test_compare_table_equals_published_values(real_app, real_client, nhs_data):
    published = published_list_sizes(nhs_data)
    codes = ["A81001", "A81002", "A81004"]
    response = real_client.get(f"/compare?practices={','.join(codes)}&metrics=list_size")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for code in codes:
        row = re.search(rf'data-practice="{code}">(.*?)</tr>', html, re.S).group(1)
        shown = re.search(r'data-metric="list_size">([\d,]+)<', row).group(1)
        assert int(shown.replace(",", "")) == published[code]
    with real_app.app_context():
        england = england_row("list_size", "2025-12")
    total = re.search(r'data-practice="england-total">(.*?)</tr>', html, re.S).group(1)
    assert f'data-metric="list_size">{england.value:,.0f}<' in total
    median = re.search(r'data-practice="england-median-practice">(.*?)</tr>', html, re.S).group(1)
    assert f'data-metric="list_size">{england.median:,.0f}<' in median
    assert "counts are set beside the median practice in England" in html
    # the selection lives in the URL: the CSV link carries it
    assert "/compare.csv?practices=A81001,A81002,A81004&amp;metrics=list_size" in html


def test_compare_accepts_form_checkboxes_and_reports_unknown_codes(real_client):
    response = real_client.get("/compare?practices=A81001+Z99999&metrics=list_size")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Not found or access denied: Z99999." in html
    assert 'data-practice="A81001"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("practices=" + ",".join(f"A8100{i}" for i in range(10)) + ",A81011", "at most 10"),
        ("practices=not-a-code", "is not an ODS practice code"),
        ("practices=A81001&metrics=bogus", "is not a measure in the catalogue"),
    ],
)
def test_compare_bad_selection_is_400_with_error_summary(real_client, query, message):
    response = real_client.get(f"/compare?{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and message in html


def test_compare_csv(real_app, real_client, nhs_data):
    response = real_client.get("/compare.csv?practices=A81001,A81002&metrics=list_size")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    published = published_list_sizes(nhs_data)
    assert {r["practice_code"]: float(r["value"]) for r in rows} == {
        "A81001": published["A81001"],
        "A81002": published["A81002"],
    }
    with real_app.app_context():
        england = england_row("list_size", "2025-12")
    for row in rows:
        assert float(row["england_total"]) == england.value == sum(published.values())
        assert float(row["england_median_practice"]) == england.median
        assert row["practice_set_beside"] == "england_median_practice"


def test_national_page_equals_the_published_distribution(real_app, real_client):
    response = real_client.get("/national/list_size")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with real_app.app_context():
        view = national_view("list_size")
    assert view.period == "2025-12"
    assert view.highest[0].value >= view.highest[-1].value >= view.lowest[-1].value
    assert f'data-practice="{view.highest[0].code}"' in html
    assert f'data-practice="{view.lowest[0].code}"' in html
    median = re.search(r'data-point="median">.*?numeric">([\d,]+)<', html, re.S).group(1)
    assert float(median.replace(",", "")) == round(view.distribution.median)
    shown = re.search(r'data-england-median-practice="list_size">([\d,]+)<', html).group(1)
    assert shown == f"{view.england.median:,.0f}"
    assert "England (all practices) is every practice in England combined" in html


def test_national_highest_is_the_largest_open_list_in_the_file(real_app, real_client, nhs_data):
    published = published_list_sizes(nhs_data)
    with real_app.app_context():
        view = national_view("list_size")
    top = view.highest[0]
    assert top.value == published[top.code]
    # nothing ranked above it is larger, among the practices in the distribution
    assert all(published[r.code] <= top.value for r in view.highest)


@pytest.mark.parametrize("page", ["", "interpreting-results", "access", "data-sources"])
def test_docs_pages(real_client, page):
    response = real_client.get(f"/docs/{page}")
    assert response.status_code == 200


def test_data_sources_page_says_what_is_loaded(real_client):
    html = real_client.get("/docs/data-sources").get_data(as_text=True)
    row = re.search(r'data-dataset="patients-registered">(.*?)</tr>', html, re.S).group(1)
    assert "latest December 2025" in row
    assert "Monthly" in row
