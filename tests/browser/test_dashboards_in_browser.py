"""Every area dashboard filled with (synthetic) figures for every dataset, in Debian Chromium:
axe-core clean, no console errors, each headline and group figure equal to the query layer's."""

from __future__ import annotations

import pytest

from portal.queries.areas import AREAS, area_dashboard
from portal.queries.benchmarks import practice_benchmark
from portal.queries.overview import headline_figures
from portal.queries.practices import get_practice


@pytest.fixture(scope="module")
def demo_code(demo_app):
    """An open synthetic practice with a value for every metric the demo produces."""
    with demo_app.app_context():
        import sqlalchemy as sa

        from portal.models import PracticeMetric

        t = PracticeMetric.__table__
        return db_scalar(
            sa.select(t.c.practice_code)
            .where(t.c.in_distribution == 1)
            .group_by(t.c.practice_code)
            .order_by(sa.func.count(sa.distinct(t.c.metric)).desc(), t.c.practice_code)
            .limit(1)
        )


def db_scalar(query):
    from portal.extensions import db

    return db.session.execute(query).scalar()


@pytest.mark.parametrize("slug", list(AREAS))
def test_area_dashboard_in_browser(demo_page, demo_app, demo_code, slug):
    page = demo_page
    page.open(f"/practices/{demo_code}/{slug}")
    assert page.page.locator(".synthetic-banner").count() == 1
    page.check(f"demo-area-{slug}")
    with demo_app.app_context():
        practice = get_practice(demo_code)
        dashboard = area_dashboard(practice, AREAS[slug])
        expected = {
            p.metric.id: practice_benchmark(practice, p.metric.id) for p in dashboard.panels
        }
    shown = page.page.eval_on_selector_all(
        ".headline-figure__value[data-metric]",
        "els => els.map(e => [e.dataset.metric, e.textContent])",
    )
    assert [m for m, _ in shown] == list(expected)
    for metric_id, text in shown:
        bench = expected[metric_id]
        assert text == bench.figure.display
        table = page.page.locator(f"#{metric_id.replace('_', '-')}-groups")
        for group in bench.groups:
            value = table.locator(f'tr[data-level="{group.level}"] td').nth(1).inner_text()
            assert value == group.display, (metric_id, group.level)
        main = page.page.locator("main").inner_text()
        assert bench.figure.source in main


def test_overview_headlines_in_browser(demo_page, demo_app, demo_code):
    from portal.queries.benchmarks import practice_figure

    page = demo_page
    page.open(f"/practices/{demo_code}")
    page.check("demo-overview")
    rows = page.page.eval_on_selector_all(
        "#headlines-table tbody tr",
        "rows => rows.map(r => [r.dataset.headline, r.cells[2].textContent])",
    )
    with demo_app.app_context():
        assert [m for m, _ in rows] == [h.metric for h in headline_figures(demo_code)]
        assert len(rows) >= 5  # registered patients and the annual datasets at least
        for metric_id, text in rows:
            found = practice_figure(demo_code, metric_id)
            assert text == (found.display if found and found.value is not None else "–"), metric_id


def test_compare_and_national_in_browser(demo_page, demo_app, demo_code):
    from portal.queries.compare import compare_practices, default_metrics
    from portal.queries.national import national_view

    page = demo_page
    with demo_app.app_context():
        view = national_view("gp_fte")
        codes = [demo_code] + [r.code for r in view.highest[:2] if r.code != demo_code]
        comparison = compare_practices(codes, default_metrics())
    page.open(f"/compare?practices={','.join(codes)}")
    page.check("demo-compare")
    for practice in comparison.practices:
        for metric_id, figure in practice.figures.items():
            cell = page.page.locator(
                f'#comparison tr[data-practice="{practice.code}"] td[data-metric="{metric_id}"]'
            )
            assert cell.inner_text() == (figure.display if figure else "not available")

    page.open("/national/gp_fte")
    page.check("demo-national-gp_fte")
    top = page.page.locator("#national-highest tbody tr").first
    assert top.get_attribute("data-practice") == view.highest[0].code
    assert top.locator("td").inner_text() == view.highest[0].display

    from portal.queries.funnel import funnel_view

    with demo_app.app_context():
        dna = funnel_view("dna_rate", national_view("dna_rate").period)
    mine = next(p for p in dna.practices if p.code == demo_code)
    page.open(f"/national/dna_rate?practice={demo_code}")
    page.check("demo-national-funnel")  # the funnel plot's screenshot, axe-clean
    assert page.page.locator("#funnel-chosen").get_attribute("data-band") == mine.band
    assert page.page.locator("svg.chart--funnel circle, svg.chart--funnel rect").count() == len(
        dna.practices
    )
