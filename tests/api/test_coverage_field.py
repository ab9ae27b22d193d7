"""Coverage is a field of every figure: the page's sentence, the API's `figure.coverage` and the
MCP tool's structured `practice_figure.coverage` give the same counts, read here from the real
files (telephony's Publication Summary workbook; GPAD's London, East and South crosstab)."""

from __future__ import annotations

import re

import jsonschema
import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.mcp.registry import ToolContext, registry
from portal.models import Practice
from tests.accounts_support import add_practices
from tests.api.conftest import ApiClient, make_key
from tests.ingest.test_gpad import practice_rates, published
from tests.ingest.test_telephony import fixture
from tests.ingest.test_telephony_real import SUMMARY
from tests.queries.test_coverage import workbook_counts


def _page_sentences(html: str, metric: str) -> list[str]:
    found = re.findall(rf'<p[^>]*data-coverage="{metric}"[^>]*>(.*?)</p>', html, re.S)
    return [re.sub(r"<[^>]+>", "", p) for p in found]


def _benchmark_everywhere(app, client, code: str, metric: str) -> tuple[dict, dict, str]:
    """The API's figure, the MCP tool's structured figure and its text, for one benchmark (the
    structured result valid against the tool's output schema)."""
    user_id, secret = make_key(app)
    api = ApiClient(client, secret).json(f"/benchmarks/{metric}", practice=code)["figure"]
    tool = registry.get("get_benchmark")
    with app.app_context():
        out = tool.handler(ToolContext(user_id=user_id), {"metric": metric, "practice": code})
    jsonschema.validate(out.structured, tool.output_schema)
    return api, out.structured["practice_figure"], out.text


def test_published_coverage_is_one_field_on_page_api_and_mcp(app, client, nhs_data, tmp_path):
    included, open_ = workbook_counts(nhs_data / SUMMARY)
    add_practices(app, "A81001", "A81002")
    path = tmp_path / "Cloud Based Telephony By Durations - October 2025_Y58.csv"
    fixture(path)
    with app.app_context():
        load_paths("telephony", [path])
        load_paths("telephony", [nhs_data / SUMMARY])
    words = f"{included:,} of {open_:,} practices"
    expected = {
        "practices_included": included,
        "practices_open": open_,
        "published": True,
        "partial": True,
        "sentence": f"The 2025-10 publication covers only part of England ({words}): England "
        "and the national distribution are of those practices.",
    }
    api, mcp, text = _benchmark_everywhere(app, client, "A81001", "calls_answered_rate")
    assert api["period"] == mcp["period"] == "2025-10"
    assert api["coverage"] == mcp["coverage"] == expected
    assert expected["sentence"] in text
    html = client.get("/practices/A81001/telephony").get_data(as_text=True)
    (sentence,) = _page_sentences(html, "calls_answered_rate")
    assert f"covers {words};" in sentence


def test_loaded_coverage_of_a_regional_file_is_one_field_on_page_api_and_mcp(
    real_app, real_client, nhs_data
):
    in_file = set(practice_rates(published(nhs_data)).index)
    with real_app.app_context():
        open_codes = set(
            db.session.scalars(
                sa.select(Practice.code).where(Practice.status == "active", Practice.is_england)
            )
        )
    code = min(in_file & open_codes)
    words = f"{len(in_file & open_codes):,} of {len(open_codes):,} practices"
    api, mcp, text = _benchmark_everywhere(real_app, real_client, code, "dna_rate")
    assert api["period"] == "2025-10"
    assert api["coverage"] == mcp["coverage"]
    assert api["coverage"] == {
        "practices_included": len(in_file & open_codes),
        "practices_open": len(open_codes),
        "published": False,
        "partial": True,
        "sentence": f"The 2025-10 figures loaded cover only part of England ({words}): England "
        "and the national distribution are of those practices.",
    }
    assert api["coverage"]["sentence"] in text
    html = real_client.get(f"/practices/{code}/appointments").get_data(as_text=True)
    (sentence,) = _page_sentences(html, "dna_rate")
    assert f"figures loaded cover {words};" in sentence


def test_a_figure_over_all_of_england_has_no_coverage(real_api):
    """Every practice's list size is loaded and no coverage table is published for it."""
    assert real_api.json("/benchmarks/list_size", practice="A81001")["figure"]["coverage"] is None


def test_the_openapi_document_describes_coverage(real_client):
    doc = real_client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    assert schemas["Figure"]["properties"]["coverage"] == {
        "anyOf": [{"$ref": "#/components/schemas/Coverage"}, {"type": "null"}]
    }
    assert schemas["Coverage"]["required"] == [
        "practices_included",
        "practices_open",
        "published",
        "partial",
        "sentence",
    ]
