"""/api/v1/groups: the key owner's saved groups, a group's value as the query layer computes it
(ratio of sums from the published GPAD counts), and the same 404 for another user's group as
for a missing one."""

from __future__ import annotations

import pytest

from portal.api_keys import create_key
from portal.extensions import db
from portal.models import User
from portal.queries import saved_groups as sg
from tests.ingest.test_gpad import practice_rates, published
from tests.queries.test_saved_groups import people  # noqa: F401  (fixture)

pytestmark = pytest.mark.realdata


def key_for(app, user_id: int) -> dict[str, str]:
    with app.app_context():
        secret = create_key(db.session.get(User, user_id), "tests").secret
    return {"Authorization": f"Bearer {secret}"}


def test_groups_and_a_groups_benchmark(real_app, nhs_data, people):  # noqa: F811
    rates = practice_rates(published(nhs_data))
    codes = list(rates.index[:3])
    with real_app.app_context():
        owner = db.session.get(User, people[0])
        group = sg.create_group(owner, "Federation")
        for code in codes:
            sg.add_practice(owner, group.id, code)
    client = real_app.test_client()
    mine, theirs = key_for(real_app, people[0]), key_for(real_app, people[1])
    listed = client.get("/api/v1/groups", headers=mine).get_json()
    assert listed["count"] == 1
    assert listed["results"] == [{"id": group.id, "name": "Federation", "practices": 3}]
    assert client.get("/api/v1/groups", headers=theirs).get_json()["count"] == 0

    url = f"/api/v1/groups/{group.id}/benchmarks/dna_rate"
    body = client.get(url, headers=mine).get_json()
    chosen = rates.loc[codes]
    assert body["group"]["value"] == pytest.approx(
        chosen["dna"].sum() / chosen["total"].sum() * 100
    )
    assert body["figure"]["period"] == "2025-10" and body["group"]["practices"] == 3
    assert body["england"]["value"] == pytest.approx(
        rates["dna"].sum() / rates["total"].sum() * 100
    )
    assert sorted(m["code"] for m in body["members"]) == sorted(codes)

    other = client.get(url, headers=theirs)
    missing = client.get("/api/v1/groups/999999999/benchmarks/dna_rate", headers=mine)
    assert (other.status_code, missing.status_code) == (404, 404)
    assert other.get_json() == missing.get_json()
    assert other.get_json()["message"] == "Not found or access denied."
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/groups/{group_id}/benchmarks/{metric}" in paths and "/groups" in paths
