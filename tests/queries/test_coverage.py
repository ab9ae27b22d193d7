"""Coverage on figures: October 2025's Publication Summary workbook (real) says how many
practices the telephony files cover; a telephony figure of that month (small fixture) is then
labelled with it in MCP text, on the national page and on the practice's page. The expected
counts are read here from the workbook with pandas."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.mcp.registry import ToolContext, registry
from portal.mcp.tools import register_all
from portal.models import DatasetLoad
from portal.queries.coverage import dataset_coverage, metric_coverage
from tests.accounts_support import add_practices
from tests.api.conftest import make_key
from tests.ingest.test_telephony import fixture
from tests.ingest.test_telephony_real import SUMMARY


def workbook_counts(path) -> tuple[int, int]:
    """October 2025's practices included and open, from Table 1."""
    table = pd.read_excel(path, sheet_name="Table 1", header=None)
    labels = table[1].astype(str).str.split().str.join(" ")
    months = [f"{m:%Y-%m}" if pd.notna(m) else None for m in table.iloc[7, 2:]]
    column = 2 + months.index("2025-10")
    included = table.loc[labels == "Count of practices included"].iloc[0, column]
    open_ = table.loc[labels == "Open active practices"].iloc[0, column]
    return int(included), int(open_)


@pytest.fixture
def covered(app, nhs_data, tmp_path):
    add_practices(app, "A81001", "A81002")
    path = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y58.csv"
    fixture(path)
    with app.app_context():
        load_paths("telephony", [path])
        load_paths("telephony", [nhs_data / SUMMARY])
        register_all(registry)
    return workbook_counts(nhs_data / SUMMARY)


def test_coverage_query_gives_included_of_open(app, covered):
    included, open_ = covered
    assert (included, open_) == (4649, 6220)
    with app.app_context():
        found = dataset_coverage("telephony", "2025-10")
        assert (found.practices_included, found.practices_open) == (included, open_)
        assert found.partial is True
        assert found.words == f"{included:,} of {open_:,} practices"
        assert metric_coverage("calls_answered_rate", "2025-10") == found
        assert metric_coverage("dna_rate", "2025-10") is None  # no GPAD coverage loaded
        assert dataset_coverage("telephony", "2019-01") is None


def test_figures_of_the_month_are_labelled_with_coverage(app, client, covered):
    included, open_ = covered
    words = f"({included:,} of {open_:,} practices)"
    user_id, _ = make_key(app)
    with app.app_context():
        out = registry.get("get_telephony").handler(
            ToolContext(user_id=user_id), {"practice": "A81001"}
        )
    coverage_line = next(line for line in out.text.split("\n") if "Coverage:" in line)
    assert f"The 2025-10 publication covers only part of England {words}" in coverage_line

    national = client.get("/national/calls_inbound?period=2025-10")
    assert national.status_code == 200
    html = national.get_data(as_text=True)
    assert 'data-coverage="calls_inbound"' in html
    assert f"covers {included:,} of {open_:,} practices;" in html
    assert f"(publication: {included:,} of {open_:,} practices)" in html

    page = client.get("/practices/A81001/telephony").get_data(as_text=True)
    assert page.count("data-coverage=") == 5  # each of the five telephony metrics' panels
    assert words in page


def test_gpad_coverage_file_fills_the_table_without_a_load(app, nhs_data):
    path = nhs_data / "gpad/APPOINTMENTS_GP_COVERAGE.csv"
    frame = pd.read_csv(path)
    frame["period"] = pd.to_datetime(frame["APPOINTMENT_MONTH"], format="%d%b%Y").dt.strftime(
        "%Y-%m"
    )
    sums = frame.groupby("period")[["INCLUDED_PRACTICES", "OPEN_PRACTICES"]].sum()
    with app.app_context():
        assert load_paths("gpad", [path]) == []  # no load recorded: the months are not loaded
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DatasetLoad)) == 0
        stored = {
            period: (found.practices_included, found.practices_open)
            for period in sums.index
            if (found := dataset_coverage("gpad", period))
        }
        october = metric_coverage("dna_rate", "2025-10")
    assert stored == {
        p: (int(r.INCLUDED_PRACTICES), int(r.OPEN_PRACTICES)) for p, r in sums.iterrows()
    }
    assert october.words == (
        f"{sums.loc['2025-10', 'INCLUDED_PRACTICES']:,} of "
        f"{sums.loc['2025-10', 'OPEN_PRACTICES']:,} practices"
    )
    assert october.partial is True


def test_a_regional_file_is_never_england_without_saying_so(real_app, nhs_data):
    """The real GPAD crosstab holds London, East and South only and no coverage file is loaded:
    its England is labelled with the practices loaded of every open practice."""
    from portal.mcp.text import publication_coverage
    from portal.models import Practice
    from tests.ingest.test_gpad import practice_rates, published

    in_file = set(practice_rates(published(nhs_data)).index)
    with real_app.app_context():
        open_codes = set(
            db.session.scalars(
                sa.select(Practice.code).where(Practice.status == "active", Practice.is_england)
            )
        )
        found = metric_coverage("dna_rate", "2025-10")
        line = publication_coverage("dna_rate", "2025-10")
        whole = metric_coverage("list_size", "2025-12")  # every practice's list size is loaded
    assert found is not None and found.published is False
    assert found.practices_open == len(open_codes)
    assert found.practices_included == len(in_file & open_codes) < 0.9 * len(open_codes)
    assert line == (
        f" The 2025-10 figures loaded cover only part of England ({found.words}): England and "
        "the national distribution are of those practices."
    )
    assert whole is None
