"""Query layer for the annual datasets on the real files (session real_app): figures, periods,
sources, comparators and national distributions computed here from the published files."""

import pandas as pd
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Practice
from portal.queries.annual import financial_year
from portal.queries.funding import funding
from portal.queries.patient_experience import patient_experience
from portal.queries.practices import get_practice
from portal.queries.prevalence import disease_prevalence
from portal.statistics.small_numbers import MIN_EVENTS
from tests.annual_files import read


def open_england() -> set[str]:
    """Practices in the national distributions: open and in England, per the loaded ODS files."""
    t = Practice.__table__
    return set(
        db.session.execute(sa.select(t.c.code).where(t.c.status == "active", t.c.is_england))
        .scalars()
        .all()
    )


def outside_england() -> set[str]:
    t = Practice.__table__
    return set(db.session.execute(sa.select(t.c.code).where(~t.c.is_england)).scalars().all())


def test_diabetes_prevalence_2020_21_and_its_national_median(real_app, nhs_data):
    source = read(nhs_data / "qof/PREVALENCE_2021_v2.csv")
    dm = source[source["GROUP_CODE"] == "DM"].copy()
    dm["value"] = dm["REGISTER"].astype(int) / dm["PRACTICE_LIST_SIZE"].astype(int) * 100
    mine = dm[dm["PRACTICE_CODE"] == "A81001"].iloc[0]
    with real_app.app_context():
        result = disease_prevalence(get_practice("A81001"), ["diabetes"])
        assert (result.period, result.source, result.synthetic) == (
            "2020-21", "Quality and Outcomes Framework, prevalence, 2020-21", False)  # fmt: skip
        [register] = result.registers
        assert (register.code, register.list_type) == ("DM", "17OV")
        assert (register.register, register.list_size) == (
            int(mine["REGISTER"]), int(mine["PRACTICE_LIST_SIZE"]))  # fmt: skip
        bench = register.prevalence
        assert bench.figure.value == pytest.approx(mine["value"])
        assert bench.figure.display == f"{mine['value']:.2f}%"
        # ranked: open in England, with at least MIN_EVENTS on the register and on the list
        valid = dm[
            dm["PRACTICE_CODE"].isin(open_england())
            & (dm["PRACTICE_LIST_SIZE"].astype(int) >= MIN_EVENTS)
            & (dm["REGISTER"].astype(int) >= MIN_EVENTS)
        ]
        assert bench.distribution.n == len(valid)
        assert bench.distribution.median == pytest.approx(valid["value"].median())
        rank = (valid["value"].rank(pct=True) * 100)[valid["PRACTICE_CODE"] == "A81001"].iloc[0]
        assert bench.percentile == pytest.approx(rank)
        # England: ratio of sums over every practice not known to be outside England
        england = bench.groups[-1]
        assert england.level == "england"
        counted = dm[
            ~dm["PRACTICE_CODE"].isin(outside_england())
            & (dm["PRACTICE_LIST_SIZE"].astype(int) > 0)
        ]
        assert england.value == pytest.approx(
            counted["REGISTER"].astype(int).sum()
            / counted["PRACTICE_LIST_SIZE"].astype(int).sum()
            * 100
        )
        assert england.practices == len(counted)

        everything = disease_prevalence(get_practice("A81001"), None)
        assert len(everything.registers) == source["GROUP_CODE"].nunique()
        odd = disease_prevalence(get_practice("A81001"), ["DM", "not a disease"])
        assert [r.code for r in odd.registers] == ["DM"] and odd.unmatched == ["not a disease"]


def test_payments_per_weighted_patient_2021_22_and_national_median(real_app, nhs_data):
    source = read(nhs_data / "payments/nhs_payments_gp_21-22.csv")
    total = source["Total NHS Payments to General Practice"].astype(float)
    weighted = source["Number of Weighted Patients (Last Known Figure)"].astype(float)
    source["value"] = (total / weighted).where(weighted > 0)
    mine = source[source["Practice Code"] == "A81001"].iloc[0]
    with real_app.app_context():
        result = funding(get_practice("A81001"), financial_year("2021/22"))
        assert (result.period, result.source) == (
            "2021-22",
            "NHS Payments to General Practice, 2021-22",
        )
        assert result.per_weighted.figure.value == pytest.approx(mine["value"])
        assert result.published_per_weighted == float(mine["Average payments per weighted patient"])
        assert result.total.figure.value == float(mine["Total NHS Payments to General Practice"])
        valid = source[source["Practice Code"].isin(open_england()) & source["value"].notna()]
        dist = result.per_weighted.distribution
        assert (dist.n, dist.median) == (len(valid), pytest.approx(valid["value"].median()))
        # England is a ratio of sums over the file's English practices, not a mean of ratios
        england = next(g for g in result.per_weighted.groups if g.level == "england")
        assert england.value is not None
        items = {i.item: i.amount for i in result.items}
        assert items["Global Sum"] == float(mine["Global Sum"])
        assert funding(get_practice("A81001"), "2019-20") is None


def test_gpps_overall_experience_from_the_excerpt(real_app, nhs_data):
    source = read(nhs_data / "gpps/GPPS_2026_practice_weighted_excerpt.csv").set_index(
        "ad_practicecode"
    )
    row = source.loc["A84005"]
    with real_app.app_context():
        result = patient_experience(get_practice("A84005"))
        assert (result.period, result.source) == ("2026", "GP Patient Survey, 2026")
        assert result.overall.figure.value == pytest.approx(float(row["overallexp.pcteval"]) * 100)
        assert result.overall_lower == pytest.approx(float(row["overallexp.lowileval"]) * 100)
        assert result.overall_upper == pytest.approx(float(row["overallexp.hiwileval"]) * 100)
        assert result.response_rate == pytest.approx(float(row["resprate"]) * 100)
        open_codes = open_england()
        shares = pd.Series(
            [
                float(source.loc[c, "overallexp.pcteval"]) * 100
                for c in source.index
                if c in open_codes
            ]
        )
        assert result.overall.distribution.median == pytest.approx(shares.median())
        # PCN value: weighted positive answers / weighted base over the PCN's practices
        pcn = next(g for g in result.overall.groups if g.level == "pcn")
        members = source[source.index.isin(
            [c for c in source.index if get_practice(c).pcn and get_practice(c).pcn.code == pcn.code])]  # fmt: skip
        expected = (
            members["overallexp.counteval"].astype(float).sum()
            / members["overallexp.baseevalw"].astype(float).sum()
            * 100
        )
        assert pcn.value == pytest.approx(expected)
        labels = [q.question for q in result.questions]
        assert labels[0] == "overallexp" and "pharmacyoverall" in labels


@pytest.mark.parametrize(
    "text, year",
    [("2020-21", "2020-21"), ("2020/21", "2020-21"), ("2020-2021", "2020-21"), ("2020", "2020-21"),
     ("2020-22", None), ("latest", None), ("", None)],
)  # fmt: skip
def test_financial_year(text, year):
    assert financial_year(text) == year
