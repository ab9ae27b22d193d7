"""Saved-group and watchlist pages over real HTTP forms: sign-in required, CSRF on every POST,
no GET mutations, the group's value as the query layer computes it (on its page and as a row
on the compare page), and another user's group a 404 identical to a missing one's."""

from __future__ import annotations

import re

import pytest

from portal.extensions import db
from portal.models import User, Watch
from portal.queries import saved_groups as sg
from tests.accounts_support import CSRF, post, sign_in
from tests.ingest.test_gpad import practice_rates, published
from tests.queries.test_saved_groups import people  # noqa: F401  (fixture)

pytestmark = pytest.mark.realdata


def email(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email


def signed_in(app, user_id: int):
    client = app.test_client()
    sign_in(client, email(app, user_id))
    return client


def made_group(client, name: str = "North locality") -> int:
    response = post(client, "/groups", {"name": name})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return int(re.search(r"/groups/(\d+)$", response.headers["Location"]).group(1))


def test_pages_need_a_signed_in_user(real_app):
    client = real_app.test_client()
    for url in ("/groups", "/groups/1", "/watchlist"):
        response = client.get(url)
        assert response.status_code == 302 and "/account/sign-in" in response.headers["Location"]


def test_create_add_and_see_the_groups_value(real_app, nhs_data, people):  # noqa: F811
    rates = practice_rates(published(nhs_data))
    codes = list(rates.index[:2])
    client = signed_in(real_app, people[0])
    assert client.post("/groups", data={"name": "No token"}).status_code == 400  # CSRF
    group_id = made_group(client)
    for code in codes:
        response = post(client, f"/groups/{group_id}/practices", {"code": code.lower()})
        assert response.status_code == 302
    bad = post(client, f"/groups/{group_id}/practices", {"code": "ZZ9999"})
    assert bad.status_code == 400
    assert "Enter the ODS code of a practice in England" in bad.get_data(as_text=True)
    page = client.get(f"/groups/{group_id}?metric=dna_rate").get_data(as_text=True)
    chosen = rates.loc[codes]
    with real_app.app_context():
        bench = sg.group_benchmark(db.session.get(User, people[0]), group_id, "dna_rate")
    assert bench.group.value == pytest.approx(chosen["dna"].sum() / chosen["total"].sum() * 100)
    row = re.search(r'data-row="group">(.*?)</tr>', page, re.S).group(1)
    assert f">{bench.group.display}<" in row and ">2<" in row
    assert bench.england.display in page
    listing = client.get("/groups").get_data(as_text=True)
    assert "North locality" in listing and f'data-group="{group_id}"' in listing

    compare = client.get(f"/compare?group={group_id}&metrics=dna_rate").get_data(as_text=True)
    group_row = re.search(rf'data-practice="group-{group_id}">(.*?)</tr>', compare, re.S).group(1)
    assert bench.group.display in group_row
    for code in codes:
        assert f'data-practice="{code}"' in compare


def test_rename_remove_delete_are_post_only(real_app, nhs_data, people):  # noqa: F811
    code = practice_rates(published(nhs_data)).index[0]
    client = signed_in(real_app, people[0])
    group_id = made_group(client, "Old")
    post(client, f"/groups/{group_id}/practices", {"code": code})
    for url in (f"/groups/{group_id}/rename", f"/groups/{group_id}/delete",
                f"/groups/{group_id}/practices/{code}/remove"):  # fmt: skip
        assert client.get(url).status_code == 405
    assert post(client, f"/groups/{group_id}/rename", {"name": "New"}).status_code == 302
    assert post(client, f"/groups/{group_id}/rename", {"name": ""}).status_code == 400
    assert post(client, f"/groups/{group_id}/practices/{code}/remove").status_code == 302
    page = client.get(f"/groups/{group_id}").get_data(as_text=True)
    assert '<h1 id="group-name">New</h1>' in page and "This group has no practices yet." in page
    assert post(client, f"/groups/{group_id}/delete").status_code == 302
    assert client.get(f"/groups/{group_id}").status_code == 404


def test_another_users_group_is_the_same_404_as_a_missing_one(real_app, people):  # noqa: F811
    owner = signed_in(real_app, people[0])
    group_id = made_group(owner, "Private")
    other = signed_in(real_app, people[1])
    missing = other.get("/groups/999999999")
    theirs = other.get(f"/groups/{group_id}")
    assert (missing.status_code, theirs.status_code) == (404, 404)
    assert missing.get_data() == theirs.get_data()
    assert "Private" not in theirs.get_data(as_text=True)
    for url, data in ((f"/groups/{group_id}/rename", {"name": "Mine now"}),
                      (f"/groups/{group_id}/delete", {}),
                      (f"/groups/{group_id}/practices", {"code": "A81001"})):  # fmt: skip
        assert post(other, url, data).status_code == 404
    assert other.get(f"/compare?group={group_id}").status_code == 404
    assert other.get("/compare?group=999999999").status_code == 404
    follow = post(other, "/watchlist", {"kind": "group", "code": str(group_id)})
    assert follow.status_code == 404
    assert "Private" in owner.get(f"/groups/{group_id}").get_data(as_text=True)


def test_follow_and_unfollow_on_the_watchlist(real_app, nhs_data, people):  # noqa: F811
    code = practice_rates(published(nhs_data)).index[0]
    client = signed_in(real_app, people[0])
    assert client.post("/watchlist", data={"kind": "practice", "code": code}).status_code == 400
    response = post(client, "/watchlist", {"kind": "practice", "code": code, "new_data": "1",
                                           "metric": "dna_rate", "direction": "above",
                                           "threshold": "1.5"})  # fmt: skip
    assert response.status_code == 302
    bad = post(client, "/watchlist", {"kind": "practice", "code": code, "threshold": "lots",
                                      "metric": "dna_rate", "direction": "above"})  # fmt: skip
    assert bad.status_code == 400 and "The threshold must be a number" in bad.get_data(as_text=True)
    unknown = post(client, "/watchlist", {"kind": "pcn", "code": "NOSUCHPCN"})
    assert unknown.status_code == 400, unknown.headers.get("Location")
    assert "Enter the ODS code of a PCN, e.g. U12345." in unknown.get_data(as_text=True)
    page = client.get("/watchlist").get_data(as_text=True)
    assert f'data-watch="practice:{code}"' in page and "dna_rate above 1.5" in page
    with real_app.app_context():
        watch = db.session.scalar(db.select(Watch).where(Watch.user_id == people[0]))
        watch_id = watch.id
    other = signed_in(real_app, people[1])
    assert post(other, f"/watchlist/{watch_id}/delete").status_code == 404
    assert post(client, f"/watchlist/{watch_id}/delete").status_code == 302
    assert "You do not follow anything yet." in client.get("/watchlist").get_data(as_text=True)
    assert CSRF.search(page)


def test_follow_links_fill_in_the_watchlist_form(real_app, nhs_data, people):  # noqa: F811
    owner, _ = people
    code = practice_rates(published(nhs_data)).index[0]
    anonymous = real_app.test_client()
    overview = anonymous.get(f"/practices/{code}").get_data(as_text=True)
    assert f'href="/watchlist?kind=practice&amp;code={code}"' in overview
    client = signed_in(real_app, owner)
    form = client.get(f"/watchlist?kind=practice&code={code}").get_data(as_text=True)
    assert '<option value="practice" selected>' in form
    assert f'name="code" type="text" value="{code}"' in form
    unknown = client.get("/watchlist?kind=nonsense&code=A81001").get_data(as_text=True)
    assert " selected>" not in unknown
