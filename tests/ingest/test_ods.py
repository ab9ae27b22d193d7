"""epraccur (both editions) and the ePCN workbook."""

import csv

import sqlalchemy as sa

from portal.extensions import db
from portal.ingest import load_paths
from portal.models import Pcn, Practice


def test_2026_edition_vocabulary(app, nhs_data):
    path = nhs_data / "ods/epraccur_2026_edition_first76rows.csv"
    with open(path, newline="") as handle:
        source = [r for r in csv.reader(handle) if r[25] == "RO76"]
    with app.app_context():
        load_paths("ods-practices", [path])
        statuses = dict(db.session.execute(sa.select(Practice.code, Practice.status)).all())
    expected = {"ACTIVE": "active", "INACTIVE": "closed", "DORMANT": "dormant"}
    assert statuses == {r[0]: expected[r[12]] for r in source}
    assert statuses["A81003"] == "closed"


def test_2025_edition_filters_gp_practices(app, nhs_data):
    path = nhs_data / "ods/epraccur.csv"
    with open(path, newline="") as handle:
        gp = [r for r in csv.reader(handle) if r[25] == "4"]
    with app.app_context():
        load_paths("ods-practices", [path])
        practice = db.session.get(Practice, "A81001")
        stored = db.session.execute(sa.select(sa.func.count()).select_from(Practice)).scalar_one()
        wales = db.session.execute(
            sa.select(sa.func.count()).select_from(Practice).where(~Practice.is_england)
        ).scalar_one()
    assert stored == len(gp)
    assert wales == sum(1 for r in gp if r[2] == "W00")
    assert (practice.name, practice.postcode, practice.town) == (
        "THE DENSHAM SURGERY",
        "TS18 1HU",
        "Stockton On Tees",
    )


def test_epcn_workbook(app, nhs_data):
    import openpyxl

    path = nhs_data / "ods/ePCN_2023-02.xlsx"
    book = openpyxl.load_workbook(path, read_only=True)
    pcn_rows = list(book["PCNDetails"].iter_rows(min_row=2, values_only=True))
    partner = next(book["PCN Core Partner Details"].iter_rows(min_row=2, values_only=True))
    with app.app_context():
        load_paths("ods-practices", [nhs_data / "ods/epraccur.csv"])
        load_paths("ods-pcns", [path])
        pcns = db.session.execute(sa.select(sa.func.count()).select_from(Pcn)).scalar_one()
        member = db.session.get(Practice, partner[0])
    assert pcns == len(pcn_rows)
    assert member.pcn_code == partner[4]
