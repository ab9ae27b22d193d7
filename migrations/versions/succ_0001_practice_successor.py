"""succ: practice mergers from ODS's successor organisations file (succ.csv)

Revision ID: succ_0001
Revises: groups_0001
Create Date: 2026-12-05 03:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "succ_0001"
down_revision = "groups_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_successor",
        sa.Column("predecessor_code", sa.String(length=10), nullable=False),
        sa.Column("successor_code", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.String(length=1), nullable=False),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("predecessor_code", "successor_code"),
    )
    op.create_index(
        "ix_practice_successor_successor_code", "practice_successor", ["successor_code"]
    )


def downgrade():
    op.drop_index("ix_practice_successor_successor_code", table_name="practice_successor")
    op.drop_table("practice_successor")
