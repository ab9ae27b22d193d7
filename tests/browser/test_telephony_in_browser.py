"""The practice telephony page in Debian Chromium with June 2026's bands (the real By Durations
excerpt, J81002's Calls Answered Metric and By Day and Time files as
tests/queries/test_telephony_bands.py makes them): axe-core clean, no console errors, each
breakdown table's rows the query layer's, and the wait tables' note on the method change."""

from __future__ import annotations

from portal.ingest import load_paths
from portal.queries.area_view import area_view
from portal.queries.practices import get_practice
from tests.accounts_support import add_practices
from tests.browser.conftest import LiveServer, _page
from tests.ingest.test_telephony_real import DURATIONS
from tests.queries.test_telephony_bands import practice_files


def test_telephony_page_bands_in_browser(app, site, chromium, nhs_data, tmp_path):
    practice_files(nhs_data, tmp_path)
    add_practices(app, "J81002")
    with app.app_context():
        load_paths("telephony", [nhs_data / DURATIONS, tmp_path])
        view = area_view(get_practice("J81002"), "telephony", 24)
    server = LiveServer(site)
    context, page = _page(chromium, server.url)
    try:
        page.open("/practices/J81002/telephony")
        page.check("area-telephony-bands")
        shown = page.page.eval_on_selector_all(
            "table[data-breakdown]",
            "els => els.map(t => [t.dataset.breakdown, t.querySelector('caption').textContent,"
            " [...t.querySelectorAll('tbody tr')].map(r => [r.dataset.part,"
            " r.querySelector('td').textContent])])",
        )
        notes = page.page.eval_on_selector_all(
            "[data-breakdown-note]", "els => els.map(e => [e.dataset.breakdownNote, e.textContent])"
        )
    finally:
        context.close()
        server.stop()
    assert [name for name, _, _ in shown] == [b.name for b in view.breakdowns]
    for (_, caption, rows), b in zip(shown, view.breakdowns, strict=True):
        assert caption == f"{b.counted} by {b.title.lower()}, June 2026"
        assert rows == [[p.label, f"{p.count:,.0f}"] for p in b.parts]
    assert notes == [[b.name, note] for b in view.breakdowns for note in b.notes]
    assert len(notes) == 4
