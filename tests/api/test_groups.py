"""The group dashboard endpoints over the real files: figures equal to the members' published
list sizes summed here, the one 404, 400s naming the parameter, CSV, and the OpenAPI document."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Practice

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
CODE = "A81001"


def _pcn_and_members(app) -> tuple[str, list[str]]:
    with app.app_context():
        pcn = db.session.get(Practice, CODE).pcn_code
        t = Practice.__table__
        codes = list(
            db.session.scalars(sa.select(t.c.code).where(t.c.is_england, t.c.pcn_code == pcn))
        )
    return pcn, codes


def test_overview_list_size_is_the_members_published_sum(real_app, real_api, nhs_data):
    pcn, codes = _pcn_and_members(real_app)
    with open(nhs_data / ALL_2025, newline="") as handle:
        sizes = {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)}
    body = real_api.json(f"/organisations/pcn/{pcn}/overview", metric="list_size", sort="-value")
    assert body["group"]["code"] == pcn
    assert body["member_practices"] == len(codes)
    headline = {h["figure"]["metric"]: h for a in body["areas"] for h in a["headlines"]}
    assert headline["list_size"]["figure"]["value"] == sum(sizes[c] for c in codes if c in sizes)
    assert headline["list_size"]["figure"]["period"] == "2025-12"
    members = body["comparison"]["members"]
    assert {m["code"] for m in members} == set(codes)
    shown = [m["value"] for m in members if m["value"] is not None]
    assert shown == sorted(shown, reverse=True)
    for m in members:
        if m["code"] in sizes:
            assert m["value"] == sizes[m["code"]]


def test_members_as_csv(real_app, real_api):
    pcn, codes = _pcn_and_members(real_app)
    response = real_api.get(f"/organisations/pcn/{pcn}/members/list_size", format="csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert sorted(r["code"] for r in rows) == sorted(codes)


def test_unknown_groups_are_404_and_bad_parameters_400(real_api):
    for path in ("/organisations/pcn/UZZZZZ/overview", "/organisations/icb/ZZZ/members/dna_rate"):
        response = real_api.get(path)
        assert response.status_code == 404
        assert response.get_json()["message"] == "Not found or access denied."
    pcn_bad_sort = real_api.get("/organisations/region/Y56/overview", sort="size")
    assert pcn_bad_sort.status_code == 400
    assert pcn_bad_sort.get_json()["parameter"] == "sort"
    bad_metric = real_api.get("/organisations/region/Y56/overview", metric="nonsense")
    assert bad_metric.status_code == 400
    assert bad_metric.get_json()["parameter"] == "metric"


def test_openapi_documents_the_group_endpoints(real_api):
    paths = real_api.json("/openapi.json")["paths"]
    assert paths["/organisations/{level}/{code}/overview"]["get"]["operationId"] == (
        "get_organisation_overview"
    )
    assert "/organisations/{level}/{code}/members/{metric}" in paths
