"""The demo generator writes the real layouts and loads them through the ingesters."""

import csv

import sqlalchemy as sa

from portal.extensions import db
from portal.ingest.demo import load_demo, write_files
from portal.models import DatasetLoad, Practice, RegisteredPatients
from portal.queries.benchmarks import practice_figure


def test_demo_files_use_real_layouts(tmp_path):
    files = write_files(tmp_path, practices=60, months=3, seed=1)
    with open(files["patients-registered"][1], newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["PUBLICATION", "EXTRACT_DATE", "TYPE", "SUB_ICB_LOCATION_CODE",
                      "ONS_SUB_ICB_LOCATION_CODE", "CODE", "POSTCODE", "SEX", "AGE",
                      "NUMBER_OF_PATIENTS"]  # fmt: skip
    with open(files["ods-practices"][0], newline="") as handle:
        assert {len(r) for r in csv.reader(handle)} == {27}


def test_demo_loads_and_is_marked_synthetic(app, client, tmp_path):
    with app.app_context():
        load_demo(practices=60, months=3, seed=1, folder=tmp_path)
        practices = db.session.execute(sa.select(sa.func.count()).select_from(Practice)).scalar()
        months = db.session.execute(
            sa.select(sa.func.count(sa.distinct(RegisteredPatients.period)))
        ).scalar()
        assert all(load.synthetic for load in db.session.scalars(sa.select(DatasetLoad)))
        figure = practice_figure("A81001", "list_size")
    assert (practices, months) == (60, 3)
    assert figure.synthetic is True
    html = client.get("/practices/A81001").get_data(as_text=True)
    assert "Synthetic data" in html
    assert "(synthetic)" in html
