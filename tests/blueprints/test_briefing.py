"""The practice and PCN briefings over the real files: the page's figures are the query layer's
(and the published file's), the PDF (printed by Debian Chromium) holds the same figures, names,
periods and sources as text, unknown codes get the one 404, the routes are GET only, and a
missing Chromium is a named 503."""

from __future__ import annotations

import csv
import io
import re
import time
from html import unescape
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.catalogue import format_value
from portal.extensions import db
from portal.models import Practice
from portal.queries.briefing import pcn_briefing, practice_briefing
from portal.queries.organisations import practices_in
from portal.queries.practices import get_practice
from portal.sources import SOURCES, period_label
from tests.browser.conftest import CHROMIUM
from tests.conftest import IN_CI

CODE = "A81001"
ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"


def published_list_size(nhs_data, code: str) -> int:
    with open(nhs_data / ALL_2025, newline="") as handle:
        return next(
            int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle) if r["CODE"] == code
        )


def row_html(html: str, metric_id: str) -> str:
    table = html[html.index('id="briefing-headlines"') :]
    return re.search(
        rf'<tr class="nhsuk-table__row" data-metric="{metric_id}">(.*?)</tr>', table, re.S
    ).group(1)


def cell_text(row: str, attribute: str) -> str:
    found = re.search(rf"<td[^>]*{attribute}[^>]*>(.*?)</td>", row, re.S).group(1)
    return unescape(re.sub(r"<[^>]+>", " ", found)).split()


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return squash(" ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def chromium_installed():
    if not CHROMIUM.exists():
        message = f"Debian Chromium is not installed at {CHROMIUM}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def test_practice_briefing_page_figures_equal_query_layer(real_app, real_client, nhs_data):
    response = real_client.get(f"/practices/{CODE}/briefing")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with real_app.app_context():
        briefing = practice_briefing(get_practice(CODE))
    assert briefing.headlines, "the real files give this practice headline figures"
    text = unescape(html)
    assert briefing.practice.name in text and CODE in text
    for h in briefing.headlines:
        row = row_html(html, h.metric.id)
        assert " ".join(cell_text(row, "data-value")) == h.figure.display
        assert f'data-period="{h.figure.period}"' in row
        if h.interval_95:
            assert " ".join(cell_text(row, "data-interval")) == h.interval_95
        for c in h.comparisons:
            shown = cell_text(row, f'data-level="{c.level}"')
            if c.display is None:
                assert shown == ["–"]
                continue
            value = c.group.median if c.median_practice else c.group.value
            assert c.display == format_value(h.metric, value)
            expected = c.display.split() + (["median", "practice"] if c.median_practice else [])
            if c.verdict and c.verdict != "not compared":
                expected += c.verdict.split()
            assert shown == expected, (h.metric.id, c.level)
    list_size = next(h for h in briefing.headlines if h.metric.id == "list_size")
    assert list_size.figure.value == published_list_size(nhs_data, CODE)
    assert {c.level for c in list_size.comparisons if c.group} >= {"pcn", "icb", "england"}
    for source in briefing.sources:
        assert source.publication in text
        for period in source.periods:
            assert period in text
    for _, caveat in briefing.caveats:
        assert caveat in text
    assert "Synthetic data:" not in text  # the real files are real


def test_practice_briefing_significance_shown_where_the_query_layer_judges(real_app, real_client):
    html = real_client.get(f"/practices/{CODE}/briefing").get_data(as_text=True)
    with real_app.app_context():
        briefing = practice_briefing(get_practice(CODE))
    judged = [(h, c) for h in briefing.headlines for c in h.comparisons
              if c.verdict and c.verdict != "not compared" and c.group]  # fmt: skip
    assert judged, "a proportion of the real files is judged against its groups"
    for h, c in judged:
        assert c.verdict in cell_text(row_html(html, h.metric.id), f'data-level="{c.level}"')


def test_overview_links_to_the_briefing(real_client):
    html = real_client.get(f"/practices/{CODE}").get_data(as_text=True)
    assert f'href="/practices/{CODE}/briefing"' in html
    assert f'href="/practices/{CODE}/briefing.pdf"' in html


def test_practice_briefing_pdf_holds_the_figures(real_app, real_client, chromium_installed):
    response = real_client.get(f"/practices/{CODE.lower()}/briefing.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{CODE}-briefing.pdf"'
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    with real_app.app_context():
        briefing = practice_briefing(get_practice(CODE))
    assert squash(briefing.practice.name) in text
    assert CODE in text
    for h in briefing.headlines:
        assert h.figure.display in text, h.metric.id
        assert period_label(h.figure.period, SOURCES[h.metric.dataset].cadence) in text
        if h.interval_95:
            assert h.interval_95 in text
    for source in briefing.sources:
        assert squash(source.publication) in text
        for period in source.periods:
            assert period in text
    for peer in briefing.peers:
        assert peer.code in text


def test_pdf_print_is_a4(real_client, chromium_installed):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(real_client.get(f"/practices/{CODE}/briefing.pdf").get_data()))
    box = reader.pages[0].mediabox
    # A4 is 595.28 x 841.89 points
    assert round(float(box.width)) == 595 and round(float(box.height)) == 842


@pytest.mark.parametrize(
    "path",
    [
        "/practices/Z99999/briefing",
        "/practices/Z99999/briefing.pdf",
        "/practices/not-a-code/briefing",
        "/practices/not-a-code/briefing.pdf",
        "/pcns/X99999/briefing",
        "/pcns/X99999/briefing.pdf",
    ],
)
def test_unknown_codes_are_the_one_404(real_client, path):
    response = real_client.get(path)
    assert response.status_code == 404
    assert "Not found or access denied." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        f"/practices/{CODE}/briefing",
        f"/practices/{CODE}/briefing.pdf",
        "/pcns/{pcn}/briefing",
        "/pcns/{pcn}/briefing.pdf",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_briefings_are_get_only(real_app, real_client, path, method):
    with real_app.app_context():
        pcn = get_practice(CODE).pcn.code
    response = getattr(real_client, method)(path.format(pcn=pcn))
    assert response.status_code == 405


def real_url(real_app) -> str:
    """The real-files database, for an app made from the environment (as wsgi.py makes it)."""
    return real_app.config["SQLALCHEMY_DATABASE_URI"]


def test_missing_chromium_is_a_named_503(env_app, real_app, tmp_path):
    app = env_app(
        database=False, DATABASE_URL=real_url(real_app), CHROMIUM_PATH=str(tmp_path / "none")
    )
    client = app.test_client()
    response = client.get(f"/practices/{CODE}/briefing.pdf")
    assert response.status_code == 503
    html = unescape(response.get_data(as_text=True))
    assert (
        "The PDF briefing cannot be made now: the PDF renderer (Chromium) is not installed" in html
    )
    assert str(tmp_path) not in html  # the path is logged, not shown
    assert client.get(f"/practices/{CODE}/briefing").status_code == 200  # the page still is


def test_a_chromium_that_fails_is_a_named_503(env_app, real_app, tmp_path):
    broken = Path(tmp_path / "chromium")
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    app = env_app(database=False, DATABASE_URL=real_url(real_app), CHROMIUM_PATH=str(broken))
    client = app.test_client()
    response = client.get(f"/practices/{CODE}/briefing.pdf")
    assert response.status_code == 503
    assert "the PDF renderer (Chromium) failed" in response.get_data(as_text=True)


def test_a_slow_chromium_is_killed_and_a_named_503(env_app, real_app, tmp_path):
    slow = Path(tmp_path / "chromium")
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    app = env_app(
        database=False,
        DATABASE_URL=real_url(real_app),
        CHROMIUM_PATH=str(slow),
        PDF_RENDER_TIMEOUT="0.5",
    )
    client = app.test_client()
    started = time.monotonic()
    response = client.get(f"/practices/{CODE}/briefing.pdf")
    assert response.status_code == 503
    assert time.monotonic() - started < 10
    assert "the PDF took too long to make" in response.get_data(as_text=True)


def test_pcn_briefing_page_members_and_figures(real_app, real_client):
    with real_app.app_context():
        pcn_code = get_practice(CODE).pcn.code
        briefing = pcn_briefing(pcn_code)
        p = Practice.__table__
        members = db.session.execute(
            sa.select(p.c.code).where(
                practices_in("pcn", pcn_code), p.c.is_england, p.c.is_gp_practice
            )  # fmt: skip
        ).scalars()
        members = sorted(members)
    response = real_client.get(f"/pcns/{pcn_code}/briefing")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert briefing.pcn.name in unescape(html)
    assert sorted(re.findall(r'data-member="([^"]+)"', html)) == members
    assert CODE in members
    practice_page = real_client.get(f"/practices/{CODE}/briefing").get_data(as_text=True)
    assert f'href="/pcns/{pcn_code}/briefing"' in practice_page
    assert briefing.headlines
    for h in briefing.headlines:
        assert " ".join(cell_text(row_html(html, h.metric.id), "data-value")) == h.figure.display
    for row in briefing.members:
        member = re.search(rf'data-member="{row.code}">(.*?)</tr>', html, re.S).group(1)
        for metric_id, figure in row.values.items():
            assert cell_text(member, f'data-metric="{metric_id}"') == figure.display.split()


def test_pcn_briefing_pdf(real_app, real_client, chromium_installed):
    with real_app.app_context():
        pcn_code = get_practice(CODE).pcn.code
        briefing = pcn_briefing(pcn_code)
    response = real_client.get(f"/pcns/{pcn_code}/briefing.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="{pcn_code}-briefing.pdf"'
    )
    text = pdf_text(response.get_data())
    assert squash(briefing.pcn.name) in text and pcn_code in text
    for h in briefing.headlines:
        assert h.figure.display in text
    for row in briefing.members:
        assert row.code in text
    for source in briefing.sources:
        assert squash(source.publication) in text
