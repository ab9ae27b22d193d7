"""Saved groups in the query layer: the group's value is the ratio of sums over its practices
(checked against the published GPAD file and against the stored PCN value), and another user's
group answers exactly as a missing one does."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from portal.access import NOT_FOUND_OR_DENIED, NotFoundOrDenied
from portal.accounts import create_user
from portal.catalogue import METRICS
from portal.extensions import db
from portal.models import GroupMetric, Practice, PracticeMetric, User
from portal.queries import saved_groups as sg
from tests.accounts_support import PASSWORD
from tests.ingest.test_gpad import practice_rates, published


@pytest.fixture
def people(real_app):
    """Two fresh users on the real-data database, removed (with their groups) afterwards."""
    emails = [f"{who}-{uuid.uuid4().hex[:8]}@example.org" for who in ("owner", "other")]
    with real_app.app_context():
        ids = [create_user(e, PASSWORD).id for e in emails]
    yield ids
    with real_app.app_context():
        for user_id in ids:
            db.session.delete(db.session.get(User, user_id))
        db.session.commit()


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


@pytest.mark.realdata
def test_group_value_is_the_ratio_of_sums_of_the_published_counts(real_app, nhs_data, people):
    rates = practice_rates(published(nhs_data))
    codes = list(rates.index[:3])
    with real_app.app_context():
        owner = user(people[0])
        group = sg.create_group(owner, "  North   locality ")
        for code in [*codes, codes[0].lower()]:  # the same practice twice is one member
            sg.add_practice(owner, group.id, code)
        detail = sg.get_group(owner, group.id)
        bench = sg.group_benchmark(owner, group.id, "dna_rate")
        listed = sg.my_groups(owner)
    chosen = rates.loc[codes]
    assert detail.name == "North locality" and sorted(detail.codes) == sorted(codes)
    assert [(g.name, g.practices) for g in listed] == [("North locality", 3)]
    assert bench.figure.period == "2025-10" and bench.group.practices == 3
    assert bench.group.value == pytest.approx(chosen["dna"].sum() / chosen["total"].sum() * 100)
    assert bench.figure.value == bench.group.value
    assert bench.figure.source == "Appointments in General Practice, October 2025"
    assert bench.england.value == pytest.approx(rates["dna"].sum() / rates["total"].sum() * 100)
    by_code = {m.code: m.value for m in bench.members}
    for code in codes:
        assert by_code[code] == pytest.approx(
            rates.loc[code, "dna"] / rates.loc[code, "total"] * 100
        )
    assert bench.group.median == pytest.approx(sorted(by_code.values())[1])


@pytest.mark.realdata
@pytest.mark.parametrize("metric_id", ["dna_rate", "appointments_total", "list_size"])
def test_a_group_of_a_pcns_practices_has_the_pcns_stored_value(real_app, people, metric_id):
    with real_app.app_context():
        g, p = GroupMetric.__table__, Practice.__table__
        row = db.session.execute(
            sa.select(g.c.code, g.c.period, g.c.value, g.c.practices)
            .where(g.c.metric == metric_id, g.c.level == "pcn", g.c.practices >= 3)
            .order_by(g.c.period.desc(), g.c.code)
            .limit(1)
        ).one()
        codes = db.session.scalars(sa.select(p.c.code).where(p.c.pcn_code == row.code)).all()
        value = sg.value_over(METRICS[metric_id], row.period, list(codes), "1", "PCN as a group")
    assert value.practices == row.practices
    assert value.value == pytest.approx(row.value)


@pytest.mark.realdata
def test_another_users_group_is_answered_as_a_missing_one(real_app, people):
    with real_app.app_context():
        owner, other = user(people[0]), user(people[1])
        group = sg.create_group(owner, "Mine")
        missing = (db.session.scalar(sa.select(sa.func.max(sg.SavedGroup.id))) or 0) + 1000
        answers = []
        for group_id in (group.id, missing, f"group:{group.id}", "nonsense"):
            for call in (
                lambda gid: sg.get_group(other, gid),
                lambda gid: sg.rename_group(other, gid, "Taken"),
                lambda gid: sg.add_practice(other, gid, "A81001"),
                lambda gid: sg.remove_practice(other, gid, "A81001"),
                lambda gid: sg.delete_group(other, gid),
                lambda gid: sg.saved_group_value(other, gid, "dna_rate", "2025-10"),
            ):
                with pytest.raises(NotFoundOrDenied) as caught:
                    call(group_id)
                answers.append(str(caught.value))
        with pytest.raises(NotFoundOrDenied):
            sg.get_group(None, group.id)
        assert sg.get_group(owner, f"group:{group.id}").name == "Mine"  # still there, unchanged
        assert sg.my_groups(other) == []
    assert set(answers) == {NOT_FOUND_OR_DENIED}


@pytest.mark.realdata
def test_changes_are_checked_with_messages(real_app, people):
    with real_app.app_context():
        owner = user(people[0])
        for name, message in [
            ("   ", "Enter a name for the group."),
            ("x" * 101, "The name must be 100 characters or fewer."),
            ("bad\x00name", "The name must not contain control characters."),
        ]:
            with pytest.raises(sg.GroupError) as caught:
                sg.create_group(owner, name)
            assert str(caught.value) == message
        group = sg.create_group(owner, "G")
        with pytest.raises(sg.GroupError) as caught:
            sg.add_practice(owner, group.id, "ZZ9999")
        assert str(caught.value) == "Enter the ODS code of a practice in England, e.g. A81001."
        with pytest.raises(sg.GroupError) as caught:
            sg.group_benchmark(owner, group.id, "dna_rate")
        assert str(caught.value) == "No figures for dna_rate are loaded for this group's practices."
        code = db.session.scalar(sa.select(PracticeMetric.practice_code).limit(1))
        sg.add_practice(owner, group.id, code)
        sg.rename_group(owner, group.id, "Renamed")
        sg.remove_practice(owner, group.id, code)
        assert (sg.get_group(owner, group.id).name, sg.get_group(owner, group.id).codes) == (
            "Renamed",
            [],
        )
        sg.delete_group(owner, group.id)
        assert sg.my_groups(owner) == []


MY_TABLES = {"saved_group", "saved_group_practice", "watch", "alert_subscription", "alert_sent"}


def _table_of(diff) -> str | None:
    for part in diff if isinstance(diff, list) else [diff]:
        for item in part[1:] if isinstance(part, tuple) else []:
            name = getattr(item, "name", None) if not isinstance(item, str) else None
            table = getattr(item, "table", None)
            if table is not None and getattr(table, "name", None):
                return table.name
            if name:
                return name
            if isinstance(item, str):
                return item
    return None


def test_the_migration_makes_exactly_the_models_tables(app):
    """groups_0001 on this backend (SQLite or PostgreSQL) matches portal/models' five tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
        present = set(sa.inspect(conn).get_table_names())
    assert present >= MY_TABLES
    mine = [d for d in diffs if _table_of(d) in MY_TABLES]
    assert mine == []
