"""annual datasets: workforce, GP Patient Survey, QOF prevalence and achievement, payments

Revision ID: annual_0001
Revises: 8d7f0f33a73e
"""

import sqlalchemy as sa
from alembic import op

revision = "annual_0001"
down_revision = "8d7f0f33a73e"
branch_labels = None
depends_on = None


def _key(*names):
    return [sa.Column(n, sa.String(length=10), nullable=False) for n in names]


def _floats(*names):
    return [sa.Column(n, sa.Float(), nullable=True) for n in names]


def upgrade():
    op.create_table(
        "workforce_practice",
        *_key("practice_code", "period"),
        sa.Column("total_patients", sa.Integer(), nullable=True),
        *_floats("gp_hc", "gp_fte", "nurse_hc", "nurse_fte", "dpc_hc", "dpc_fte"),
        *_floats("admin_hc", "admin_fte"),
        sa.PrimaryKeyConstraint("practice_code", "period", name=op.f("pk_workforce_practice")),
    )
    op.create_table(
        "gpps_practice",
        *_key("practice_code", "period"),
        *_floats("distributed", "received", "response_rate", "population"),
        sa.PrimaryKeyConstraint("practice_code", "period", name=op.f("pk_gpps_practice")),
    )
    op.create_table(
        "gpps_question",
        *_key("practice_code", "period"),
        sa.Column("question", sa.String(length=60), nullable=False),
        *_floats("pct_eval", "low_ci", "high_ci", "count_eval", "base_weighted"),
        *_floats("base_unweighted"),
        sa.PrimaryKeyConstraint(
            "practice_code", "period", "question", name=op.f("pk_gpps_question")
        ),
    )
    op.create_table(
        "qof_prevalence",
        *_key("practice_code", "period"),
        sa.Column("group_code", sa.String(length=12), nullable=False),
        sa.Column("patient_list_type", sa.String(length=10), nullable=False),
        sa.Column("register", sa.Integer(), nullable=True),
        sa.Column("list_size", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "practice_code", "period", "group_code", name=op.f("pk_qof_prevalence")
        ),
    )
    op.create_table(
        "qof_indicator",
        *_key("period"),
        sa.Column("indicator_code", sa.String(length=20), nullable=False),
        sa.Column("point_value", sa.Float(), nullable=True),
        sa.Column("group_code", sa.String(length=12), nullable=False),
        sa.Column("group_description", sa.String(length=200), nullable=False),
        sa.Column("domain_code", sa.String(length=12), nullable=False),
        sa.Column("domain_description", sa.String(length=200), nullable=False),
        sa.Column("patient_list_type", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("period", "indicator_code", name=op.f("pk_qof_indicator")),
    )
    op.create_table(
        "qof_achievement",
        *_key("practice_code", "period"),
        sa.Column("indicator_code", sa.String(length=20), nullable=False),
        *_floats("achieved_points", "numerator", "denominator", "pcas"),
        sa.PrimaryKeyConstraint(
            "practice_code", "period", "indicator_code", name=op.f("pk_qof_achievement")
        ),
    )
    op.create_table(
        "payments_practice",
        *_key("practice_code", "period"),
        *_floats("registered_patients", "weighted_patients", "total_payments"),
        *_floats("per_registered", "per_weighted"),
        sa.PrimaryKeyConstraint("practice_code", "period", name=op.f("pk_payments_practice")),
    )
    op.create_table(
        "payment_line",
        *_key("practice_code", "period"),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("practice_code", "period", "item", name=op.f("pk_payment_line")),
    )
    for table in (
        "workforce_practice",
        "gpps_practice",
        "gpps_question",
        "qof_prevalence",
        "qof_achievement",
        "payments_practice",
        "payment_line",
    ):
        op.create_index(op.f(f"ix_{table}_period"), table, ["period"], unique=False)


def downgrade():
    for table in (
        "payment_line",
        "payments_practice",
        "qof_achievement",
        "qof_indicator",
        "qof_prevalence",
        "gpps_question",
        "gpps_practice",
        "workforce_practice",
    ):
        op.drop_table(table)
