"""appointments (GPAD), online consultations and cloud telephony facts

Revision ID: monthly_0001
Revises: 8d7f0f33a73e
Create Date: 2026-11-27 16:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "monthly_0001"
down_revision = "8d7f0f33a73e"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appointment_count",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("hcp_type", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=40), nullable=False),
        *(
            sa.Column(name, sa.Integer(), nullable=True)
            for name in ("same_day", "day_1", "days_2_7", "days_8_14", "days_15_21",
                         "days_22_28", "days_over_28", "lead_unknown")
        ),
        sa.PrimaryKeyConstraint(
            "practice_code", "period", "status", "hcp_type", "mode",
            name=op.f("pk_appointment_count"),
        ),
    )
    op.create_index(
        op.f("ix_appointment_count_period"), "appointment_count", ["period"], unique=False
    )
    op.create_table(
        "online_consultation",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("supplier", sa.Text(), nullable=True),
        sa.Column("participation", sa.Integer(), nullable=True),
        sa.Column("capability", sa.Integer(), nullable=True),
        sa.Column("system_usage", sa.Integer(), nullable=True),
        sa.Column("submissions", sa.Integer(), nullable=True),
        sa.Column("clinical", sa.Integer(), nullable=True),
        sa.Column("admin", sa.Integer(), nullable=True),
        sa.Column("other", sa.Integer(), nullable=True),
        sa.Column("patients_registered", sa.Integer(), nullable=True),
        sa.Column("published_rate_per_1000", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("practice_code", "period", name=op.f("pk_online_consultation")),
    )
    op.create_index(
        op.f("ix_online_consultation_period"), "online_consultation", ["period"], unique=False
    )
    op.create_table(
        "online_consultation_time",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("weekday", sa.String(length=10), nullable=False),
        sa.Column("time_band", sa.String(length=20), nullable=False),
        sa.Column("submissions", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "practice_code", "period", "weekday", "time_band",
            name=op.f("pk_online_consultation_time"),
        ),
    )
    op.create_index(
        op.f("ix_online_consultation_time_period"),
        "online_consultation_time",
        ["period"],
        unique=False,
    )
    op.create_table(
        "telephony_count",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("indicator", sa.String(length=10), nullable=False),
        sa.Column("band", sa.String(length=60), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "practice_code", "period", "indicator", "band", name=op.f("pk_telephony_count")
        ),
    )
    op.create_index(op.f("ix_telephony_count_period"), "telephony_count", ["period"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_telephony_count_period"), table_name="telephony_count")
    op.drop_table("telephony_count")
    op.drop_index(op.f("ix_online_consultation_time_period"), table_name="online_consultation_time")
    op.drop_table("online_consultation_time")
    op.drop_index(op.f("ix_online_consultation_period"), table_name="online_consultation")
    op.drop_table("online_consultation")
    op.drop_index(op.f("ix_appointment_count_period"), table_name="appointment_count")
    op.drop_table("appointment_count")
