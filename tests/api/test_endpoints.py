"""Each /api/v1 endpoint against figures computed here from the published files."""

import csv
import io

import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import Practice, PracticeMetric
from portal.queries.benchmarks import national_distribution
from tests.api.files import (
    age_bands,
    epraccur_row,
    icb_count,
    list_sizes,
    members,
    practice_map,
)

SOURCE_2025 = "Patients Registered at a GP Practice, December 2025"


def test_practice_detail_matches_epraccur_and_the_map(real_api, nhs_data):
    body = real_api.json("/practices/A81001")
    row = epraccur_row(nhs_data, "A81001")
    mapped = next(r for r in practice_map(nhs_data) if r["PRACTICE_CODE"] == "A81001")
    assert body["code"] == "A81001"
    assert body["name"] == row[1]
    assert body["postcode"] == row[9]
    assert body["pcn"]["code"] == mapped["PCN_CODE"]
    assert body["icb"]["code"] == mapped["ICB_CODE"]
    assert body["region"]["code"] == mapped["COMM_REGION_CODE"]
    assert real_api.json("/practices/a81001")["code"] == "A81001"


def test_registered_patients_area_list_size_and_age_bands(real_api, nhs_data):
    body = real_api.json("/practices/A81001/registered-patients")
    assert body["area"]["slug"] == "registered-patients"
    [panel] = [p for p in body["panels"] if p["metric"]["id"] == "list_size"]
    figure = panel["benchmark"]["figure"]
    assert figure["value"] == list_sizes(nhs_data)["A81001"]
    assert (figure["period"], figure["source"], figure["synthetic"]) == (
        "2025-12",
        SOURCE_2025,
        False,
    )
    assert [p["period"] for p in panel["trend"]] == ["2021-01", "2025-12"]
    assert panel["trend_source"]["synthetic"] is False
    expected = age_bands(nhs_data, "A81001")
    pyramid = body["age_pyramid"]
    assert pyramid["period"] == "2025-12" and pyramid["source"] == SOURCE_2025
    for band in pyramid["bands"]:
        assert band["male"] == expected.get(("male", band["band"]))
        assert band["female"] == expected.get(("female", band["band"]))
    one_month = real_api.json("/practices/A81001/registered-patients", months=1)
    assert [p["period"] for p in one_month["panels"][0]["trend"]] == ["2025-12"]


def test_an_area_with_no_data_loaded_has_no_panels(real_api):
    body = real_api.json("/practices/A81001/appointments")
    assert body["panels"] == [] and body["age_pyramid"] is None
    assert body["breakdowns"] == [] and body["series"] == [] and body["details"] is None


def test_the_area_document_names_breakdowns_series_and_both_englands(real_api):
    """The OpenAPI document describes what the area endpoint now returns."""
    schemas = real_api.client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    area = schemas["PracticeArea"]["properties"]
    assert area["breakdowns"]["items"] == {"$ref": "#/components/schemas/Breakdown"}
    assert area["series"]["items"] == {"$ref": "#/components/schemas/SeriesMonth"}
    assert {"$ref": "#/components/schemas/Workforce"} in area["details"]["anyOf"]
    panel = schemas["MetricPanel"]["properties"]
    for name in ("england_total", "england_median_practice", "england_trend_is"):
        assert name in panel and name in schemas["MetricPanel"]["required"]
    assert set(schemas["Breakdown"]["required"]) == {
        "name",
        "title",
        "counted",
        "period",
        "source",
        "synthetic",
        "parts",
        "notes",
    }


def test_search_finds_by_name_and_postcode(real_api):
    assert real_api.json("/practices/search", q="densham")["results"][0]["code"] == "A81001"
    assert real_api.json("/practices/search", q="TS18 1HU")["results"][0]["code"] == "A81001"


def test_practices_in_a_pcn_are_the_maps(real_api, nhs_data):
    pcn = next(r["PCN_CODE"] for r in practice_map(nhs_data) if r["PRACTICE_CODE"] == "A81001")
    mapped = members(nhs_data, "PCN_CODE", pcn)
    body = real_api.json("/practices", pcn=pcn, page_size=500)
    assert body["count"] == len(body["results"])
    listed = {p["code"]: p["status"] for p in body["results"]}
    # the map's practices, plus closed or dormant ones the older ePCN file still links
    assert mapped <= set(listed)
    assert all(status != "active" for code, status in listed.items() if code not in mapped)
    active = real_api.json("/practices", pcn=pcn, status="active", page_size=500)
    assert {p["code"] for p in active["results"]} == mapped


def test_practices_in_an_icb_count(real_api, nhs_data):
    body = real_api.json("/practices", icb="QHM", status="active", page_size=1)
    assert body["count"] == len(members(nhs_data, "ICB_CODE", "QHM"))


def test_organisation_lists_and_detail(real_api, nhs_data):
    assert real_api.json("/organisations/icb")["count"] == icb_count(nhs_data)
    regions = {r["COMM_REGION_CODE"] for r in practice_map(nhs_data)}
    assert {o["code"] for o in real_api.json("/organisations/region")["results"]} == regions
    in_region = real_api.json("/organisations/icb", parent="Y63", page_size=500)["results"]
    assert {o["code"] for o in in_region} == {
        r["ICB_CODE"] for r in practice_map(nhs_data) if r["COMM_REGION_CODE"] == "Y63"
    }
    detail = real_api.json("/organisations/icb/QHM")
    open_members = {p["code"] for p in detail["practices"] if p["status"] == "active"}
    assert open_members == members(nhs_data, "ICB_CODE", "QHM")
    assert [p["level"] for p in detail["parents"]] == ["region"]


def test_organisation_figures_are_sums_over_member_practices(real_api, nhs_data):
    sizes = list_sizes(nhs_data)
    pcn = "U89141"
    body = real_api.json(f"/organisations/pcn/{pcn}/figures", metric="list_size", period="2025-12")
    [row] = body["results"]
    expected = sum(sizes[c] for c in members(nhs_data, "PCN_CODE", pcn) if c in sizes)
    assert row["figure"]["value"] == expected
    assert row["figure"]["source"] == SOURCE_2025 and row["figure"]["synthetic"] is False


def test_dataset_figures_filtered_by_icb_and_period(real_api, nhs_data):
    sizes = list_sizes(nhs_data)
    expected = {c: sizes[c] for c in members(nhs_data, "ICB_CODE", "QHM") if c in sizes}
    body = real_api.json(
        "/datasets/patients-registered/figures", icb="QHM", period="2025-12", page_size=500
    )
    assert body["count"] == len(expected)
    got = {r["practice_code"]: r["figure"]["value"] for r in body["results"]}
    assert got == expected
    assert {r["figure"]["period"] for r in body["results"]} == {"2025-12"}


def test_dataset_figures_as_csv(real_api, nhs_data):
    response = real_api.get(
        "/datasets/patients-registered/figures", practice="A81001", period="2025-12", format="csv"
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert float(row["figure_value"]) == list_sizes(nhs_data)["A81001"]
    assert row["figure_source"] == SOURCE_2025
    assert row["figure_synthetic"] == "False"


def test_pagination_links_and_pages_agree(real_api):
    whole = real_api.json("/organisations/icb", page_size=6)["results"]
    first = real_api.json("/organisations/icb", page_size=3)
    second = real_api.json("/organisations/icb", page_size=3, page=2)
    assert first["results"] + second["results"] == whole
    assert first["previous"] is None
    assert first["next"].endswith("page_size=3&page=2")
    assert second["previous"].endswith("page_size=3&page=1")
    last = real_api.json("/organisations/region", page_size=500)
    assert last["next"] is None and last["count"] == len(last["results"])


def test_metric_catalogue(real_api):
    body = real_api.json("/metrics", page_size=500)
    assert [m["id"] for m in body["results"]] == list(METRICS)
    one = real_api.json("/metrics/list_size")
    assert one["definition"] == METRICS["list_size"].definition


def test_benchmark_for_a_practice(real_api, nhs_data):
    sizes = list_sizes(nhs_data)
    body = real_api.json("/benchmarks/list_size", practice="A81001", period="2025-12")
    assert body["figure"]["value"] == sizes["A81001"]
    england = next(g for g in body["groups"] if g["level"] == "england")
    mapped = {r["PRACTICE_CODE"] for r in practice_map(nhs_data)}
    assert england["value"] == sum(v for c, v in sizes.items() if c in mapped)
    smaller = sorted(v for c, v in sizes.items() if c in mapped)
    assert body["distribution"]["maximum"] <= smaller[-1]


def test_loaded_datasets(real_api):
    body = real_api.json("/datasets")
    loaded = {d["dataset"]: d for d in body["results"]}
    assert loaded["patients-registered"]["latest"] == "2025-12"
    assert loaded["patients-registered"]["periods"] == 2


def test_pagination_links_and_the_openapi_server_come_from_public_base_url(real_app, real_api):
    evil = {"Authorization": f"Bearer {real_api.secret}", "Host": "evil.example"}
    configured = real_app.config["PUBLIC_BASE_URL"]
    real_app.config["PUBLIC_BASE_URL"] = "https://haresign.example"
    try:
        page = real_api.client.get("/api/v1/organisations/icb?page_size=2&page=2", headers=evil)
        document = real_api.client.get("/api/v1/openapi.json", headers={"Host": "evil.example"})
    finally:
        real_app.config["PUBLIC_BASE_URL"] = configured
    body = page.get_json()
    base = "https://haresign.example/api/v1/organisations/icb?page_size=2&page="
    assert (body["next"], body["previous"]) == (base + "3", base + "1")
    assert document.get_json()["servers"] == [{"url": "https://haresign.example/api/v1"}]
    unset = real_api.client.get("/api/v1/organisations/icb?page_size=2", headers=evil).get_json()
    assert "evil.example" not in unset["next"]


def test_benchmark_for_a_practice_without_a_figure_still_gives_the_national_distribution(
    real_app, real_api
):
    with real_app.app_context():
        have = sa.select(PracticeMetric.practice_code).where(PracticeMetric.metric == "list_size")
        code = db.session.scalars(
            sa.select(Practice.code).where(Practice.code.not_in(have)).order_by(Practice.code)
        ).first()
        latest = db.session.scalar(
            sa.select(sa.func.max(PracticeMetric.period)).where(
                PracticeMetric.metric == "list_size"
            )
        )
        median = national_distribution("list_size", latest).median
    body = real_api.json("/benchmarks/list_size", practice=code)
    assert (body["figure"]["value"], body["figure"]["period"]) == (None, latest)
    assert body["distribution"]["median"] == median
    assert body["percentile"] is None
