"""Group dashboards (/pcns, /sub-icbs, /icbs, /regions) over the real files: the group's own
figures are ratios of sums of its members' published figures, computed here from the files and
the stored facts; each member practice is listed with its own figure; unknown codes are the
one 404; practices and search link to the groups."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re

import pytest
import sqlalchemy as sa

from portal.catalogue import METRICS, format_value
from portal.extensions import db
from portal.models import Icb, Practice, PracticeMetric, SubIcb
from portal.queries.funnel import funnel_view

ALL_2025 = "patients_registered/gp-reg-pat-prac-all_2025-12.csv"
CODE = "A81001"


def published_list_sizes(nhs_data) -> dict[str, int]:
    with open(nhs_data / ALL_2025, newline="") as handle:
        return {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in csv.DictReader(handle)}


def hierarchy(app, code: str) -> tuple[str, str, str]:
    """The practice's PCN, sub-ICB and ICB codes as stored."""
    with app.app_context():
        p = db.session.get(Practice, code)
        icb = db.session.get(SubIcb, p.sub_icb_code).icb_code
        return p.pcn_code, p.sub_icb_code, icb


def members(app, condition) -> list[str]:
    with app.app_context():
        t = Practice.__table__
        return list(db.session.scalars(sa.select(t.c.code).where(t.c.is_england, condition)))


def figures_row(page: str, metric: str) -> str:
    row = re.search(rf'data-metric="{metric}">(.*?)</tr>', page, re.S).group(1)
    return re.search(r"data-value>([^<]*)<", row).group(1)


def member_cells(page: str) -> dict[str, tuple[str, str, str]]:
    """Each member row's value, change and funnel band as shown."""
    table = page[
        page.index('id="members-table"') : page.index("</table>", page.index('id="members-table"'))
    ]
    out = {}
    for code, row in re.findall(
        r'<tr class="nhsuk-table__row" data-practice="(\w+)">(.*?)</tr>', table, re.S
    ):
        value = re.search(r'data-value data-sort-value="[^"]*">([^<]*)<', row).group(1)
        change = re.search(r'data-change data-sort-value="[^"]*">([^<]*)<', row).group(1)
        band = re.search(r'data-band="([^"]*)"', row).group(1)
        out[code] = (htmllib.unescape(value), htmllib.unescape(change), band)
    return out


def test_pcn_list_size_is_the_sum_of_its_members_published_list_sizes(
    real_app, real_client, nhs_data
):
    pcn, _, _ = hierarchy(real_app, CODE)
    sizes = published_list_sizes(nhs_data)
    codes = members(real_app, Practice.__table__.c.pcn_code == pcn)
    expected = sum(sizes[c] for c in codes if c in sizes)
    response = real_client.get(f"/pcns/{pcn}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert figures_row(page, "list_size") == f"{expected:,}"
    assert f'data-members="{len(codes)}"' in page
    assert "Patients Registered at a GP Practice, December 2025" in page


def test_icb_and_region_list_sizes_add_up_their_members(real_app, real_client, nhs_data):
    _, _, icb = hierarchy(real_app, CODE)
    sizes = published_list_sizes(nhs_data)
    s = SubIcb.__table__
    codes = members(
        real_app,
        Practice.__table__.c.sub_icb_code.in_(sa.select(s.c.code).where(s.c.icb_code == icb)),
    )
    page = real_client.get(f"/icbs/{icb.lower()}").get_data(as_text=True)  # codes in any case
    assert figures_row(page, "list_size") == f"{sum(sizes[c] for c in codes if c in sizes):,}"
    with real_app.app_context():
        region = db.session.get(Icb, icb).region_code
    assert f'href="/regions/{region}"' in page  # its parent, in the summary and breadcrumbs
    assert real_client.get(f"/regions/{region}").status_code == 200


def _gpad_pcn(app) -> str:
    """A PCN whose practices have DNA rates in the real GPAD excerpt (London, East, South)."""
    with app.app_context():
        pm, p = PracticeMetric.__table__, Practice.__table__
        return db.session.execute(
            sa.select(p.c.pcn_code, sa.func.count())
            .join(pm, pm.c.practice_code == p.c.code)
            .where(pm.c.metric == "dna_rate", p.c.pcn_code.is_not(None))
            .group_by(p.c.pcn_code)
            .order_by(sa.func.count().desc(), p.c.pcn_code)
        ).first()[0]


def test_dna_rate_members_side_by_side_with_the_ratio_of_sums(real_app, real_client):
    pcn = _gpad_pcn(real_app)
    with real_app.app_context():
        pm, p = PracticeMetric.__table__, Practice.__table__
        period = db.session.execute(
            sa.select(sa.func.max(pm.c.period)).where(pm.c.metric == "dna_rate")
        ).scalar()
        rows = db.session.execute(
            sa.select(pm.c.practice_code, pm.c.value, pm.c.numerator, pm.c.denominator)
            .join(p, p.c.code == pm.c.practice_code)
            .where(
                pm.c.metric == "dna_rate",
                pm.c.period == period,
                p.c.pcn_code == pcn,
                p.c.is_england,
            )
        ).all()
        bands = {f.code: f.band for f in funnel_view("dna_rate", period).practices}
    metric = METRICS["dna_rate"]
    valid = [r for r in rows if r.denominator]
    expected = sum(r.numerator for r in valid) / sum(r.denominator for r in valid) * 100
    page = real_client.get(f"/pcns/{pcn}?metric=dna_rate").get_data(as_text=True)
    assert re.search(r'data-group-value="dna_rate">([^<]*)<', page).group(1) == format_value(
        metric, expected
    )
    assert figures_row(page, "dna_rate") == format_value(metric, expected)
    shown = member_cells(page)
    assert len(shown) == len(members(real_app, Practice.__table__.c.pcn_code == pcn))
    for r in rows:
        value, _change, band = shown[r.practice_code]
        assert value == format_value(metric, r.value)
        assert band == bands.get(r.practice_code, "")  # the national funnel plot's band
    assert 'id="member-dots"' not in page or "<svg" in page
    assert "chart--dots" in page


def test_members_sort_on_the_server_without_javascript(real_app, real_client):
    pcn = _gpad_pcn(real_app)
    ascending = list(
        member_cells(
            real_client.get(f"/pcns/{pcn}?metric=dna_rate&sort=value").get_data(as_text=True)
        )
    )
    descending = real_client.get(f"/pcns/{pcn}?metric=dna_rate&sort=-value").get_data(as_text=True)
    values = [
        float(v.rstrip("%"))
        for v, _, _ in member_cells(descending).values()
        if v != "not available"
    ]
    assert values == sorted(values, reverse=True) and len(values) >= 2
    assert list(member_cells(descending))[: len(values)] == list(reversed(ascending[: len(values)]))
    assert 'aria-sort="descending"' in descending
    by_name = real_client.get(f"/pcns/{pcn}?metric=dna_rate&sort=bogus").get_data(as_text=True)
    assert 'data-sort="name"' in by_name  # an unknown order falls back to by name


@pytest.mark.parametrize(
    "address",
    [
        "/pcns/UZZZZZ",
        "/icbs/ZZZ",
        "/sub-icbs/99Z",
        "/regions/Y99",
        "/pcns/%20",
        "/icbs/ZZZ/practices.csv",
    ],
)
def test_unknown_groups_are_the_one_404(real_client, address):
    response = real_client.get(address)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_unknown_metric_is_a_404(real_app, real_client):
    pcn, _, _ = hierarchy(real_app, CODE)
    assert real_client.get(f"/pcns/{pcn}?metric=nonsense").status_code == 404


def test_csv_has_every_metric_for_every_member(real_app, real_client, nhs_data):
    pcn, _, _ = hierarchy(real_app, CODE)
    response = real_client.get(f"/pcns/{pcn}/practices.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    codes = members(real_app, Practice.__table__.c.pcn_code == pcn)
    list_sizes = {r["practice_code"]: r["value"] for r in rows if r["metric"] == "list_size"}
    assert set(list_sizes) == set(codes)
    sizes = published_list_sizes(nhs_data)
    for code in codes:
        if code in sizes:
            assert float(list_sizes[code]) == sizes[code]
    per_practice = {}
    for r in rows:
        per_practice.setdefault(r["practice_code"], set()).add(r["metric"])
    assert len({frozenset(m) for m in per_practice.values()}) == 1  # every metric for each
    assert all(not r["practice_name"].startswith(("=", "+", "-", "@")) for r in rows)


def test_practice_page_links_to_its_groups(real_app, real_client):
    pcn, sub_icb, icb = hierarchy(real_app, CODE)
    page = real_client.get(f"/practices/{CODE}").get_data(as_text=True)
    for address in (f"/pcns/{pcn}", f"/sub-icbs/{sub_icb}", f"/icbs/{icb}"):
        assert f'href="{address}"' in page
        assert real_client.get(address).status_code == 200


def test_search_finds_pcns_and_icbs_by_name_and_code(real_app, real_client):
    pcn, _, icb = hierarchy(real_app, CODE)
    with real_app.app_context():
        from portal.models import Pcn

        pcn_name = db.session.get(Pcn, pcn).name
        icb_name = db.session.get(Icb, icb).name
    for query, wanted in (
        (pcn, f"pcn:{pcn}"),
        (pcn_name, f"pcn:{pcn}"),
        (icb, f"icb:{icb}"),
        (icb_name, f"icb:{icb}"),
    ):
        page = real_client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert f'data-group="{wanted}"' in page, query
    practices_only = real_client.get("/search", query_string={"q": CODE}).get_data(as_text=True)
    assert f"/practices/{CODE}" in practices_only
