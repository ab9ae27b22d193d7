"""appointments: one row per practice and month, each dimension's counts as columns

Revision ID: monthly_0002
Revises: monthly_0001
Create Date: 2026-11-27 19:00:00

The old rows (practice x month x status x HCP type x mode, lead times as columns) are summed
into the new table, so a database upgraded in place keeps its appointments.
"""

import sqlalchemy as sa
from alembic import op

revision = "monthly_0002"
down_revision = "monthly_0001"
branch_labels = None
depends_on = None

LEAD_TIMES = ["same_day", "day_1", "days_2_7", "days_8_14", "days_15_21", "days_22_28",
              "days_over_28", "lead_unknown"]  # fmt: skip
SPLITS = {
    "attended": ("status", "Attended"),
    "dna": ("status", "DNA"),
    "status_unknown": ("status", "Unknown"),
    "gp": ("hcp_type", "GP"),
    "other_staff": ("hcp_type", "Other Practice staff"),
    "hcp_unknown": ("hcp_type", "Unknown"),
    "face_to_face": ("mode", "Face-to-Face"),
    "telephone": ("mode", "Telephone"),
    "video_online": ("mode", "Video Conference/Online"),
    "home_visit": ("mode", "Home Visit"),
    "mode_unknown": ("mode", "Unknown"),
}


def upgrade():
    op.create_table(
        "appointment_month",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in ["total", *SPLITS, *LEAD_TIMES]),
        sa.PrimaryKeyConstraint("practice_code", "period", name=op.f("pk_appointment_month")),
    )
    op.create_index(
        op.f("ix_appointment_month_period"), "appointment_month", ["period"], unique=False
    )
    row_total = " + ".join(f"COALESCE({c}, 0)" for c in LEAD_TIMES)
    splits = [
        f"SUM(CASE WHEN {column} = '{label}' THEN {row_total} ELSE 0 END)"
        for column, label in SPLITS.values()
    ]
    columns = ["total", *SPLITS, *LEAD_TIMES]
    values = [f"SUM({row_total})", *splits, *(f"SUM({c})" for c in LEAD_TIMES)]
    op.execute(
        f"INSERT INTO appointment_month (practice_code, period, {', '.join(columns)}) "
        f"SELECT practice_code, period, {', '.join(values)} "
        "FROM appointment_count GROUP BY practice_code, period"
    )
    op.drop_index(op.f("ix_appointment_count_period"), table_name="appointment_count")
    op.drop_table("appointment_count")


def downgrade():
    """The finer grain cannot be rebuilt from monthly splits: reload the GPAD files after."""
    op.create_table(
        "appointment_count",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hcp_type", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=40), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=True) for name in LEAD_TIMES),
        sa.PrimaryKeyConstraint(
            "practice_code",
            "period",
            "status",
            "hcp_type",
            "mode",
            name=op.f("pk_appointment_count"),
        ),
    )
    op.create_index(
        op.f("ix_appointment_count_period"), "appointment_count", ["period"], unique=False
    )
    op.drop_index(op.f("ix_appointment_month_period"), table_name="appointment_month")
    op.drop_table("appointment_month")
