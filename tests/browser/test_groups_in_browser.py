"""Group dashboards in Debian Chromium on a small synthetic England: reached from a practice's
page and from search, axe-core clean, no console errors; the members table sorts in place with
JavaScript and on the server without it, with the same order either way."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Pcn, Practice, SubIcb
from portal.queries.groups import group_overview
from tests.browser.conftest import _page

METRIC = "dna_rate"


@pytest.fixture(scope="module")
def codes(demo_app) -> tuple[str, str, str, str]:
    """An open practice, its PCN and ICB codes, and the PCN's name."""
    with demo_app.app_context():
        t = Practice.__table__
        practice = db.session.execute(
            sa.select(t.c.code).where(t.c.status == "active").order_by(t.c.code).limit(1)
        ).scalar()
        row = db.session.get(Practice, practice)
        icb = db.session.get(SubIcb, row.sub_icb_code).icb_code
        return practice, row.pcn_code, icb, db.session.get(Pcn, row.pcn_code).name


def _values(page) -> list[float | None]:
    cells = page.page.eval_on_selector_all(
        "#members-table tbody td[data-value]", "cells => cells.map(c => c.dataset.sortValue)"
    )
    return [float(v) if v else None for v in cells]


def test_from_practice_page_to_pcn_and_icb(demo_page, demo_app, codes):
    practice, pcn, icb, _ = codes
    page = demo_page
    page.open(f"/practices/{practice}")
    page.page.click(f'a[href="/pcns/{pcn}"]')
    page.page.wait_for_load_state("networkidle")
    assert page.page.url.endswith(f"/pcns/{pcn}")
    page.check("group-pcn")
    with demo_app.app_context():
        overview = group_overview("pcn", pcn)
    shown = page.page.eval_on_selector_all(
        "table.group-figures tr[data-metric]",
        "rows => rows.map(r => [r.dataset.metric, r.querySelector('[data-value]').textContent])",
    )
    assert dict(shown) == {
        h.figure.metric: h.figure.display for a in overview.areas for h in a.headlines
    }
    page.page.click(f'a[href="/icbs/{icb}"]')  # its ICB, from the summary list
    page.page.wait_for_load_state("networkidle")
    page.check("group-icb")


def test_members_table_sorts_with_javascript(demo_page, codes):
    _, _, icb, _ = codes
    page = demo_page
    page.open(f"/icbs/{icb}?metric={METRIC}")
    page.check("group-icb-members")
    assert page.page.locator("svg.chart--dots").count() == 1
    header = page.page.locator('#members-table th[data-sort-key="value"]')
    header.locator("a").click()  # in place: no navigation
    assert header.get_attribute("aria-sort") == "ascending"
    values = [v for v in _values(page) if v is not None]
    assert values == sorted(values) and len(values) > 2
    assert "sort=value" in page.page.url
    header.locator("a").click()
    assert header.get_attribute("aria-sort") == "descending"
    descending = [v for v in _values(page) if v is not None]
    assert descending == sorted(values, reverse=True)
    assert page.errors == []


def test_members_table_sorts_on_the_server_without_javascript(chromium, live_demo, codes):
    _, _, icb, _ = codes
    context, page = _page(chromium, live_demo, java_script_enabled=False)
    try:
        page.open(f"/icbs/{icb}?metric={METRIC}&sort=value")
        page.page.locator('#members-table th[data-sort-key="value"] a').click()
        page.page.wait_for_load_state("networkidle")
        assert "sort=-value" in page.page.url
        values = [v for v in _values(page) if v is not None]
        assert values == sorted(values, reverse=True)
    finally:
        context.close()


def test_search_finds_the_pcn_by_name(demo_page, codes):
    _, pcn, _, name = codes
    page = demo_page
    page.open(f"/search?q={name}")
    link = page.page.locator(f'li[data-group="pcn:{pcn}"] a')
    assert link.count() == 1
    link.click()
    page.page.wait_for_load_state("networkidle")
    assert page.page.url.endswith(f"/pcns/{pcn}")
    page.check("group-from-search")
