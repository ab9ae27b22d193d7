"""The practice and PCN briefings in Debian Chromium on the synthetic demo: axe-core clean, no
console errors, the synthetic marker, each headline equal to the query layer's, and in print
media (what the PDF is made from) the site's header, footer and buttons gone."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import PracticeMetric
from portal.queries.briefing import pcn_briefing, practice_briefing
from portal.queries.practices import get_practice


@pytest.fixture(scope="module")
def demo_code(demo_app):
    """An open synthetic practice with the most metrics."""
    with demo_app.app_context():
        t = PracticeMetric.__table__
        return db.session.execute(
            sa.select(t.c.practice_code)
            .where(t.c.in_distribution == 1)
            .group_by(t.c.practice_code)
            .order_by(sa.func.count(sa.distinct(t.c.metric)).desc(), t.c.practice_code)
            .limit(1)
        ).scalar()


def test_practice_briefing_in_browser(demo_page, demo_app, demo_code):
    page = demo_page
    page.open(f"/practices/{demo_code}/briefing")
    page.check("briefing-practice")
    with demo_app.app_context():
        briefing = practice_briefing(get_practice(demo_code))
    assert briefing.synthetic
    assert page.page.locator(".briefing__synthetic").count() == 1
    rows = page.page.eval_on_selector_all(
        "#briefing-headlines tbody tr",
        "rows => rows.map(r => [r.dataset.metric, r.querySelector('[data-value]').textContent])",
    )
    assert rows == [[h.metric.id, h.figure.display] for h in briefing.headlines]
    assert page.page.locator("[data-trend]").count() == len(briefing.trends) > 0
    assert page.page.locator(".nhsuk-header").is_visible()
    assert page.page.locator(".briefing__download").is_visible()

    page.page.emulate_media(media="print")
    assert not page.page.locator(".nhsuk-header").is_visible()
    assert not page.page.locator(".nhsuk-footer").is_visible()
    assert not page.page.locator(".briefing__download").is_visible()
    assert page.page.locator("#briefing-headlines").is_visible()
    assert page.axe_violations() == []
    page.screenshot("briefing-practice-print")


def test_pcn_briefing_in_browser(demo_page, demo_app, demo_code):
    with demo_app.app_context():
        pcn_code = get_practice(demo_code).pcn.code
        briefing = pcn_briefing(pcn_code)
    page = demo_page
    page.open(f"/pcns/{pcn_code}/briefing")
    page.check("briefing-pcn")
    members = page.page.eval_on_selector_all(
        "#briefing-members tbody tr", "rows => rows.map(r => r.dataset.member)"
    )
    assert members == [m.code for m in briefing.members]
    assert demo_code in members
