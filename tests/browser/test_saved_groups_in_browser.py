"""Saved groups and the watchlist in Debian Chromium on the real data: sign in, create a group,
add practices, see the group's value as the query layer computes it, follow it, and the
one-click unsubscribe confirm page; every page axe-core clean with no console errors."""

from __future__ import annotations

import re

import pytest

from portal.alerts.tokens import unsubscribe_token
from portal.extensions import db
from portal.models import User
from portal.queries import saved_groups as sg
from tests.accounts_support import PASSWORD
from tests.ingest.test_gpad import practice_rates, published
from tests.queries.test_saved_groups import people  # noqa: F401  (fixture)

pytestmark = pytest.mark.realdata


def test_saved_group_pages(browser_page, real_app, nhs_data, people):  # noqa: F811
    codes = list(practice_rates(published(nhs_data)).index[:2])
    with real_app.app_context():
        email = db.session.get(User, people[0]).email
        token = unsubscribe_token(people[0])
    page = browser_page
    page.open("/account/sign-in")
    page.page.fill("#email", email)
    page.page.fill("#password", PASSWORD)
    page.page.click("button[type=submit]")
    page.page.wait_for_load_state("networkidle")

    page.open("/groups")
    page.check("saved-groups-empty")
    page.page.click("button:has-text('Create group')")  # no name: the error summary
    page.page.wait_for_load_state("networkidle")
    assert "Enter a name for the group." in page.page.inner_text(".nhsuk-error-summary")
    assert [e for e in page.errors if "status of 400" in e] == page.errors != []  # the form's 400
    page.errors.clear()
    page.check("saved-groups-error")
    page.page.fill("#name", "North locality")
    page.page.click("button:has-text('Create group')")
    page.page.wait_for_load_state("networkidle")
    group_id = int(re.search(r"/groups/(\d+)$", page.page.url).group(1))
    for code in codes:
        page.page.fill("#code", code)
        page.page.click("button:has-text('Add practice')")
        page.page.wait_for_load_state("networkidle")
    page.page.select_option("#metric", "dna_rate")
    page.page.click("button:has-text('Show')")
    page.page.wait_for_load_state("networkidle")
    with real_app.app_context():
        bench = sg.group_benchmark(db.session.get(User, people[0]), group_id, "dna_rate")
    shown = page.page.inner_text('#group-value tr[data-row="group"] td')
    assert shown == bench.group.display
    page.check("saved-group-detail")

    page.page.click("button:has-text('Follow this group')")
    page.page.wait_for_load_state("networkidle")
    assert page.page.url.endswith("/watchlist")
    assert page.page.locator(f'tr[data-watch="group:{group_id}"]').count() == 1
    page.check("watchlist")

    page.open(f"/compare?group={group_id}&metrics=dna_rate")
    assert bench.group.display in page.page.inner_text(f'tr[data-practice="group-{group_id}"]')
    page.check("compare-with-group")

    page.open(f"/alerts/unsubscribe/{token}")
    page.check("unsubscribe-confirm")
    page.page.click("button:has-text('Unsubscribe')")
    page.page.wait_for_load_state("networkidle")
    assert "You are unsubscribed" in page.page.inner_text("h1")
    page.check("unsubscribed")
