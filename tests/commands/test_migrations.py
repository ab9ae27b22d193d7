"""Migrations that reshape stored facts keep them: upgrading in place loses no figures."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from portal.extensions import db
from tests.conftest import make_app

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
        upgrade(revision="heads")
        row = db.session.execute(sa.text("SELECT * FROM appointment_month")).mappings().one()
        tables = sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert "appointment_count" not in tables
    assert (row["practice_code"], row["period"], row["total"]) == ("A81001", "2025-10", 48)
    assert (row["attended"], row["dna"], row["status_unknown"]) == (46, 2, 0)
    assert (row["gp"], row["other_staff"], row["face_to_face"], row["telephone"]) == (42, 6, 40, 2)
    assert (row["home_visit"], row["same_day"], row["day_1"]) == (6, 37, 11)
