"""Small numbers (issue 18): from the real GPAD file, a practice's DNA rate made from fewer than 5
DNAs is stored and shown but never ranked, and says why on the page, the API and MCP; every
other open practice's percentile is pandas' rank over the eligible practices computed here.
Counts are ranked whatever their size. Groups of practices (saved groups, similar practices)
count a practice only where the load-time writer finds its value valid."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from portal.catalogue import METRICS
from portal.extensions import db
from portal.ingest.benchmarks import recompute
from portal.mcp.registry import ToolContext, registry
from portal.models import GroupMetric, MetricDistribution, Practice, PracticeMetric
from portal.models.peers import PracticePeer
from portal.queries.benchmarks import peer_value, value_over
from portal.queries.groups import group_overview
from portal.queries.national import national_view
from portal.queries.peers import practice_peers
from portal.statistics import small_numbers
from tests.api.conftest import ApiClient, make_key
from tests.ingest.test_gpad import practice_rates, published

REASON = "not ranked: too few events (fewer than 5)"
PERIOD = "2025-10"


def stored(metric_id: str) -> pd.DataFrame:
    t = PracticeMetric.__table__
    rows = db.session.execute(
        sa.select(t.c.practice_code, t.c.percentile, t.c.in_distribution).where(
            t.c.metric == metric_id, t.c.period == PERIOD
        )
    ).all()
    return pd.DataFrame(rows, columns=["code", "percentile", "in_distribution"]).set_index("code")


def open_in_england() -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Practice.code).where(Practice.status == "active", Practice.is_england)
        )
    )


@pytest.mark.realdata
def test_too_few_dnas_are_never_ranked_and_the_rest_are_ranked_among_themselves(real_app, nhs_data):
    rates = practice_rates(published(nhs_data))
    with real_app.app_context():
        opened = open_in_england()
        dna, totals = stored("dna_rate"), stored("appointments_total")
        d = MetricDistribution.__table__
        spread = db.session.execute(
            sa.select(d.c.n, d.c.excluded, d.c.median).where(
                d.c.metric == "dna_rate", d.c.period == PERIOD
            )
        ).one()
        view = national_view("dna_rate", PERIOD, n=25)
    counted = rates[(rates["total"] > 0) & rates.index.isin(opened)]
    eligible = counted[(counted["dna"] >= 5) & (counted["total"] >= 5)]
    few = counted[counted["dna"] < 5]
    assert len(few) > 0 and len(eligible) > 1000
    expected = (eligible["dna"] / eligible["total"]).rank(method="average", pct=True) * 100
    assert dna.loc[expected.index, "percentile"].to_numpy() == pytest.approx(expected.to_numpy())
    assert dna.loc[few.index, "percentile"].isna().all()
    assert (dna.loc[few.index, "in_distribution"] == 1).all()  # open, with a figure: in it
    assert dna["percentile"].notna().sum() == len(eligible)
    assert spread.n == len(eligible)
    assert spread.excluded == len(dna) - len(eligible)
    assert spread.median == pytest.approx((eligible["dna"] / eligible["total"] * 100).median())
    shown = {r.code for r in view.highest + view.lowest}
    assert shown and not shown & set(few.index)  # the national tables rank the eligible only
    # a count is not a rate: the same practices' appointment totals are ranked
    assert totals.loc[few.index, "percentile"].notna().all()


@pytest.mark.realdata
def test_a_practice_with_too_few_dnas_says_so_on_the_page_the_api_and_mcp(
    real_app, real_client, nhs_data
):
    rates = practice_rates(published(nhs_data))
    with real_app.app_context():
        opened = open_in_england()
    few = rates[(rates["dna"] < 5) & (rates["total"] >= 5) & rates.index.isin(opened)]
    code = few.index[0]
    rate = few.loc[code, "dna"] / few.loc[code, "total"] * 100

    user_id, secret = make_key(real_app)
    body = ApiClient(real_client, secret).json("/benchmarks/dna_rate", practice=code)
    assert body["figure"]["value"] == pytest.approx(rate)
    assert (body["percentile"], body["in_distribution"], body["not_ranked"]) == (None, True, REASON)

    html = real_client.get(f"/practices/{code}/appointments").get_data(as_text=True)
    assert (
        '<span data-not-ranked="dna_rate">Not ranked: too few events (fewer than 5)</span>' in html
    )
    row = re.search(r'<tr class="nhsuk-table__row" data-metric="dna_rate">(.*?)</tr>', html, re.S)
    assert row.group(1).rstrip().endswith(f"{REASON}</td>")

    with real_app.app_context():
        area = registry.get("get_appointments").handler(ToolContext(user_id=user_id),
                                                        {"practice": code})  # fmt: skip
        bench = registry.get("get_benchmark").handler(ToolContext(user_id=user_id),
                                                      {"practice": code, "metric": "dna_rate"})  # fmt: skip
    metric = next(
        b for b in area.structured["appointments"]["metrics"] if b["figure"]["metric"] == "dna_rate"
    )
    assert (metric["percentile"], metric["not_ranked"]) == (None, REASON)
    line = next(x for x in area.text.splitlines() if x.startswith("| Did not attend"))
    assert f"| {REASON} |" in line
    assert (bench.structured["national_percentile"], bench.structured["not_ranked"]) == (
        None,
        REASON,
    )
    assert f"| {REASON} |" in bench.text


def test_the_rule_applies_to_counted_rates_only():
    rate, share = METRICS["appointments_per_1000"], METRICS["dna_rate"]
    assert small_numbers.reason(share, 4, 3000) == REASON
    assert small_numbers.reason(share, 5, 3000) is None
    assert small_numbers.reason(rate, 8, 3) == (
        "not ranked: too small a denominator (fewer than 5)"
    )
    for metric in (
        "list_size",
        "patients_per_gp_fte",
        "gpps_overall_good",
        "payments_per_registered",
    ):
        assert small_numbers.reason(METRICS[metric], 1, 1) is None
    assert small_numbers.too_few(share, np.array([4, 5, np.nan]), np.array([9, 9, 9])).tolist() == [
        True,
        False,
        False,
    ]


@pytest.mark.realdata
def test_a_group_counts_a_practice_only_where_its_value_is_valid(app, nhs_data):
    """The edge where peers and saved groups once differed: a practice with appointments but no
    DNA count is left out of the group's numerator, denominator and count, as the writer leaves
    it out of England's."""
    rates = practice_rates(published(nhs_data))
    rates = rates[rates["dna"] >= 5].head(4)
    codes = list(rates.index)
    values = pd.DataFrame(
        {
            "practice_code": codes,
            "numerator": [*rates["dna"].iloc[:3].astype(float), None],  # no DNA count published
            "denominator": rates["total"].astype(float).tolist(),
        }
    )
    dna = METRICS["dna_rate"]
    with app.app_context():
        with db.engine.begin() as conn:
            recompute(conn, dna.id, PERIOD, values)
        england = db.session.execute(
            sa.select(GroupMetric.__table__).where(
                GroupMetric.metric == dna.id, GroupMetric.level == "england"
            )
        ).one()
        group = value_over(dna, PERIOD, codes, "group", "1", "four practices")
    valid = rates.iloc[:3]
    assert group.value == pytest.approx(valid["dna"].sum() / valid["total"].sum() * 100)
    assert (group.value, group.practices) == (pytest.approx(england.value), england.practices)
    assert group.practices == 3
    assert group.median == pytest.approx((valid["dna"] / valid["total"] * 100).median())


@pytest.mark.realdata
def test_similar_practices_are_valued_as_any_set_of_practices(real_app):
    peer, m = PracticePeer.__table__, PracticeMetric.__table__
    with real_app.app_context():
        code = db.session.scalar(  # a practice with a peer that has a DNA rate
            sa.select(sa.func.min(peer.c.practice_code)).where(
                peer.c.peer_code.in_(sa.select(m.c.practice_code).where(m.c.metric == "dna_rate"))
            )
        )
        peers = [p.code for p in practice_peers(code)]
        found = peer_value(METRICS["dna_rate"], PERIOD, code)
        over = value_over(METRICS["dna_rate"], PERIOD, peers, "peers", code, found.name)
    assert found == over and found.practices > 0


@pytest.mark.realdata
def test_a_groups_members_sorted_by_value_put_too_few_events_after_the_ranked(
    real_app, real_client, nhs_data
):
    rates = practice_rates(published(nhs_data))
    few = rates[(rates["dna"] < 5) & (rates["total"] > 0)]
    with real_app.app_context():
        pcn = db.session.scalar(
            sa.select(Practice.pcn_code).where(
                Practice.code.in_(list(few.index)), Practice.pcn_code.is_not(None)
            )  # fmt: skip
        )
        members = group_overview("pcn", pcn, "dna_rate", "-value").comparison.members
    ranked = [m for m in members if m.value is not None and m.not_ranked is None]
    marked = [m for m in members if m.not_ranked is not None]
    assert marked and {m.not_ranked for m in marked} == {REASON}
    assert {m.code for m in marked} == set(few.index) & {m.code for m in members}
    assert members[: len(ranked)] == sorted(ranked, key=lambda m: (m.value, m.code), reverse=True)
    html = real_client.get(f"/pcns/{pcn}?metric=dna_rate&sort=-value").get_data(as_text=True)
    assert html.count(f'<span class="nhsuk-body-s" data-not-ranked>({REASON})</span>') == len(
        marked
    )


@pytest.mark.realdata
def test_a_register_of_fewer_than_5_patients_is_not_ranked_on_mcp(real_app, nhs_data):
    frame = pd.read_csv(nhs_data / "qof/PREVALENCE_2021_v2.csv", dtype={"PRACTICE_CODE": str})
    user_id, _ = make_key(real_app)
    with real_app.app_context():
        few = frame[(frame["REGISTER"] < 5) & frame["PRACTICE_CODE"].isin(open_in_england())]
        row = few.iloc[0]
        out = registry.get("get_disease_prevalence").handler(ToolContext(user_id=user_id),
                                                             {"practice": row["PRACTICE_CODE"]})  # fmt: skip
    register = next(r for r in out.structured["prevalence"]["registers"]
                    if r["code"] == row["GROUP_CODE"])  # fmt: skip
    bench = register["prevalence"]
    assert bench["figure"]["value"] == pytest.approx(
        row["REGISTER"] / row["PRACTICE_LIST_SIZE"] * 100
    )
    assert (bench["percentile"], bench["not_ranked"]) == (None, REASON)
    line = next(x for x in out.text.splitlines() if f"({row['GROUP_CODE']}) |" in x)
    assert line.endswith(f"| {REASON} | neither |")
