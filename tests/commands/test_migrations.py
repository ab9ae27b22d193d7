"""Migrations that reshape stored facts keep them: upgrading in place loses no figures."""

from __future__ import annotations

import os
import subprocess

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from portal.extensions import db
from tests.conftest import ROOT, make_app

OLD_ROWS = [  # practice, status, HCP type, mode, same day, 1 day, other lead times zero
    ("A81001", "Attended", "GP", "Face-to-Face", 30, 10),
    ("A81001", "DNA", "GP", "Telephone", 2, None),
    ("A81001", "Attended", "Other Practice staff", "Home Visit", 5, 1),
]


def test_appointments_summed_to_one_row_per_practice_month(databases):
    app = make_app(databases.new("migrate"))
    with app.app_context():
        upgrade(revision="monthly_0001")
        db.session.execute(
            sa.text(
                "INSERT INTO appointment_count (practice_code, period, status, hcp_type, mode, "
                "same_day, day_1, days_2_7, days_8_14, days_15_21, days_22_28, days_over_28, "
                "lead_unknown) VALUES (:p, '2025-10', :s, :h, :m, :d0, :d1, 0, 0, 0, 0, 0, 0)"
            ),
            [dict(zip(["p", "s", "h", "m", "d0", "d1"], row, strict=True)) for row in OLD_ROWS],
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(sa.text("SELECT * FROM appointment_month")).mappings().one()
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert "appointment_count" not in tables
    assert (row["practice_code"], row["period"], row["total"]) == ("A81001", "2025-10", 48)
    assert (row["attended"], row["dna"], row["status_unknown"]) == (46, 2, 0)
    assert (row["gp"], row["other_staff"], row["face_to_face"], row["telephone"]) == (42, 6, 40, 2)
    assert (row["home_visit"], row["same_day"], row["day_1"]) == (6, 37, 11)


def _scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return ScriptDirectory.from_config(config)


def test_migrations_have_one_head():
    assert len(_scripts().get_heads()) == 1


def test_flask_db_upgrade_creates_the_schema_on_an_empty_database(databases):
    """Exactly the README's command, in a fresh process, on an empty database."""
    url = databases.new("empty")
    env = {**os.environ, "FLASK_APP": "wsgi.py", "DATABASE_URL": url}
    env.pop("HARESIGN_ENV", None)
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "flask"), "db", "upgrade"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    app = make_app(url)
    with app.app_context():
        tables = set(sa.inspect(db.engine).get_table_names())
        version = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.engine.dispose()
    assert set(db.metadata.tables) <= tables
    assert version == _scripts().get_current_head()
