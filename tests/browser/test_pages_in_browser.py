"""The pages in Debian Chromium over the real published files: search as you type → practice page,
NHS.UK frontend styles applied, axe-core clean, no console errors, figures equal the query layer's."""

from __future__ import annotations

import pytest

from portal.queries.benchmarks import practice_benchmark, practice_figure
from portal.queries.practices import get_practice

CODE = "A81001"  # THE DENSHAM SURGERY, in the real epraccur and Patients Registered files
NHS_BLUE = "rgb(0, 94, 184)"


def test_home_search_as_you_type_then_practice_page(browser_page, real_app):
    page = browser_page
    page.open("/")
    page.check("home")
    assert (
        page.page.eval_on_selector(".nhsuk-header", "e => getComputedStyle(e).backgroundColor")
        == NHS_BLUE
    )

    page.page.fill("#search-q", "densham")
    suggestion = page.page.locator("#search-suggestions li a").first
    suggestion.wait_for(state="visible")
    assert CODE in suggestion.inner_text()
    page.screenshot("home-suggestions")
    suggestion.click()
    page.page.wait_for_url(f"**/practices/{CODE}")
    with real_app.app_context():
        name = get_practice(CODE).name
    assert page.page.locator("h1").inner_text() == name
    page.check(f"practice-{CODE}")


def test_search_results_and_error_pages(browser_page):
    page = browser_page
    page.open("/search?q=densham")
    assert page.page.locator(f'.search-results a[href="/practices/{CODE}"]').count() == 1
    page.check("search-results")


def test_search_error_summary_is_nhsuk_markup(browser_page):
    page = browser_page
    page.open("/search?q=+", status=400)
    summary = page.page.locator(".nhsuk-error-summary")
    assert summary.locator("h2").inner_text() == "There is a problem"
    # The NHS.UK frontend script focuses the summary; its link targets the search box.
    assert summary.locator("a").get_attribute("href") == "#search-q"
    page.screenshot("search-error")
    assert page.axe_violations() == []
    assert [e for e in page.errors if "status of 400" not in e] == []


def test_not_found_page(browser_page):
    page = browser_page
    page.open("/practices/Z99999", status=404)
    assert "Not found or access denied." in page.page.locator("main").inner_text()
    page.screenshot("not-found")
    assert page.axe_violations() == []
    assert [e for e in page.errors if "status of 404" not in e] == []


def test_practice_page_numbers_equal_the_query_layer(browser_page, real_app):
    page = browser_page
    page.open(f"/practices/{CODE}")
    with real_app.app_context():
        practice = get_practice(CODE)
        figure = practice_figure(CODE, "list_size")
        bench = practice_benchmark(practice, "list_size")
    headline = page.page.locator('.headline-figure__value[data-metric="list_size"]').inner_text()
    assert headline == figure.display
    assert figure.source in page.page.locator("main").inner_text()
    for group in bench.groups:
        row = page.page.locator(f'#list-size-comparators tr[data-level="{group.level}"]')
        assert row.locator("td").nth(1).inner_text() == group.display


@pytest.mark.parametrize("path", ["/", f"/practices/{CODE}"])
def test_readable_without_javascript(no_js_page, path):
    page = no_js_page
    page.open(path)
    assert page.page.locator("h1").count() == 1
    if path != "/":
        # every chart has its figures in a table too
        assert page.page.locator("table.nhsuk-table").count() >= 2
    page.screenshot(f"nojs{path}")


def test_each_area_page_then_compare(browser_page, real_app):
    """practice → each area page (axe, console, screenshot) → compare with another practice."""
    from portal.queries.areas import AREAS

    page = browser_page
    page.open(f"/practices/{CODE}")
    for slug, area in AREAS.items():
        page.page.click(f'.practice-nav a[href="/practices/{CODE}/{slug}"]')
        page.page.wait_for_url(f"**/practices/{CODE}/{slug}")
        page.page.wait_for_load_state("networkidle")
        assert page.page.locator("h1").inner_text() == area.title
        page.check(f"area-{slug}")
        # parity: every headline figure on the page is the query layer's
        shown = page.page.eval_on_selector_all(
            ".headline-figure__value[data-metric]",
            "els => els.map(e => [e.dataset.metric, e.textContent])",
        )
        with real_app.app_context():
            for metric_id, text in shown:
                assert text == practice_figure(CODE, metric_id).display, (slug, metric_id)
        page.open(f"/practices/{CODE}")

    page.page.click('.practice-nav a[href^="/compare"]')
    page.page.wait_for_url("**/compare?practices=" + CODE)
    page.page.fill("#search-q", "A81002")
    suggestion = page.page.locator("#search-suggestions li a").first
    suggestion.wait_for(state="visible")
    suggestion.click()
    assert page.page.input_value("#compare-practices") == f"{CODE}, A81002"
    page.page.click("form button[type=submit]")
    page.page.wait_for_selector('#comparison tr[data-practice="A81002"]')
    assert "practices=A81001%2C+A81002" in page.page.url
    with real_app.app_context():
        for code in (CODE, "A81002"):
            cell = page.page.locator(
                f'#comparison tr[data-practice="{code}"] td[data-metric="list_size"]'
            )
            assert cell.inner_text() == practice_figure(code, "list_size").display
    page.check("compare-flow")


def test_trend_charts_are_enhanced_by_chart_js(browser_page):
    page = browser_page
    page.open(f"/practices/{CODE}/registered-patients")
    # Chart.js drew a canvas for the trend; the server-drawn SVG is hidden, the table stays
    assert page.page.locator(".chart-canvas canvas").count() >= 1
    assert page.page.locator("svg[data-chart-for]").first.is_hidden()
    assert page.page.locator("#list-size-trend-table").count() == 1
    assert page.errors == []


@pytest.mark.parametrize(
    "path",
    ["/national/", "/national/list_size", "/docs/", "/docs/interpreting-results",
     "/docs/access", "/docs/data-sources", "/docs/tools", "/docs/privacy", "/docs/terms",
     "/compare"],
)  # fmt: skip
def test_other_pages(browser_page, path):
    page = browser_page
    page.open(path)
    page.check(path.strip("/").replace("/", "-") or "root")
