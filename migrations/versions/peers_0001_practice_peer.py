"""peers: each open practice's ten most similar practices (standardised distance)

Revision ID: peers_0001
Revises: fetch_0001
Create Date: 2026-12-04 21:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "peers_0001"
down_revision = "fetch_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practice_peer",
        sa.Column("practice_code", sa.String(length=10), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("peer_code", sa.String(length=10), nullable=False),
        sa.Column("distance", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("practice_code", "rank"),
    )


def downgrade():
    op.drop_table("practice_peer")
