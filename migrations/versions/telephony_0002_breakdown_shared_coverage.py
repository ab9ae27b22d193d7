"""telephony: other splits (time of day, core hours), shared-account (Unassigned) rows, and
practice coverage per dataset-month

Revision ID: telephony_0002
Revises: peers_0002
Create Date: 2026-12-04 23:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "telephony_0002"
down_revision = "peers_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "telephony_breakdown",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("breakdown", sa.String(length=10), nullable=False),
        sa.Column("indicator", sa.String(length=10), nullable=False),
        sa.Column("band", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "practice_code",
            "period",
            "breakdown",
            "indicator",
            "band",
            "category",
            name=op.f("pk_telephony_breakdown"),
        ),  # fmt: skip
    )
    op.create_index(
        op.f("ix_telephony_breakdown_period"), "telephony_breakdown", ["period"], unique=False
    )
    op.create_table(
        "telephony_shared_count",
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("breakdown", sa.String(length=10), nullable=False),
        sa.Column("region_code", sa.String(length=20), nullable=False),
        sa.Column("icb_code", sa.String(length=20), nullable=False),
        sa.Column("sub_icb_code", sa.String(length=20), nullable=False),
        sa.Column("pcn_code", sa.String(length=20), nullable=False),
        sa.Column("indicator", sa.String(length=10), nullable=False),
        sa.Column("band", sa.String(length=60), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("calls", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "period",
            "breakdown",
            "region_code",
            "icb_code",
            "sub_icb_code",
            "pcn_code",
            "indicator",
            "band",
            "category",
            name=op.f("pk_telephony_shared_count"),
        ),  # fmt: skip
    )
    op.create_index(
        op.f("ix_telephony_shared_count_period"),
        "telephony_shared_count",
        ["period"],
        unique=False,
    )
    op.create_table(
        "dataset_coverage",
        sa.Column("dataset", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("practices_included", sa.Integer(), nullable=False),
        sa.Column("practices_open", sa.Integer(), nullable=False),
        sa.Column("source_file", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("dataset", "period", name=op.f("pk_dataset_coverage")),
    )


def downgrade():
    op.drop_table("dataset_coverage")
    op.drop_index(op.f("ix_telephony_shared_count_period"), table_name="telephony_shared_count")
    op.drop_table("telephony_shared_count")
    op.drop_index(op.f("ix_telephony_breakdown_period"), table_name="telephony_breakdown")
    op.drop_table("telephony_breakdown")
